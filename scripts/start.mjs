#!/usr/bin/env node
// `npm start`: the desktop app when the Electron binary is installed; otherwise one line
// saying so, then the browser host (build the renderer, serve it, print its URL).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    // The electron package exports the path of its binary.
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

// Tools run from node_modules/.bin rather than through npx: npm starts (and reads its
// config) once, for `npm start` itself.
const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
const extra = process.argv.slice(2);
let code;
if (electronBinary()) {
  code = await run(bin('electron-vite'), ['preview', ...extra]);
} else {
  console.log('The Electron binary is not installed here (optional dependency `electron`), so the browser host starts instead (`npm run web`): open the URL it prints.');
  code = await run(bin('vite'), ['build', '-c', 'vite.renderer.config.ts', '--logLevel', 'warn']);
  if (code === 0) code = await run(bin('tsx'), ['src/main/host/index.ts', ...extra]);
}
process.exit(code);
