#!/usr/bin/env node
// The `whittle` command: registers tsx so the TypeScript sources run as they are
// (`npx whittle` works on a fresh clone after `npm install`), then starts the CLI.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/main/cli/index.ts', import.meta.url).href);
