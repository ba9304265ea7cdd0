// `npm run web`: start the browser host on 127.0.0.1 and print its URL (with the
// per-launch token) in one line. Options: --port N (0 = random), --open-example ID,
// --open FILE, --workspace DIR (the folder the page may read and write; default the user's
// home folder, DESIGN.md §8), --dev (vite middleware).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createApiService } from '../api/service.ts';
import { STARTUP_EXAMPLE, defaultResourcesDir, findUp } from '../api/version.ts';
import { createDocumentOffload } from './document-offload.ts';
import { keepServingOnFaults, startHost, type HostOptions } from './server.ts';
import { startupDataElementFor } from './startup-data.ts';

const SPARE_AFTER_START_MS = 3000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'open-example': { type: 'string' },
      open: { type: 'string' },
      workspace: { type: 'string' },
      dev: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`whittle web: --port must be a whole number from 0 to 65535 (got ${values.port}).`);
    process.exit(2);
  }
  const repoRoot = resolve(findUp(import.meta.dirname, 'package.json') ?? join(process.cwd(), 'package.json'), '..');
  const resourcesDir = defaultResourcesDir();
  const workspace = resolve(values.workspace ?? homedir());
  let startupDocument = join(resourcesDir, 'examples', `${values['open-example'] ?? STARTUP_EXAMPLE}.json`);
  if (values.open) startupDocument = resolve(values.open);
  if (!existsSync(startupDocument)) {
    console.error(`whittle web: ${startupDocument} does not exist.`);
    process.exit(2);
  }
  if (!existsSync(workspace)) {
    console.error(`whittle web: the workspace ${workspace} does not exist.`);
    process.exit(2);
  }
  // A document given with --open is the user's own choice: its folder joins the roots.
  const fileScope = values.open ? [workspace, resolve(startupDocument, '..')] : [workspace];
  const widenHint = 'Start the browser host with --workspace <folder> (npm run web -- --workspace <folder>) to open files elsewhere.';
  // The spare engine (module loading takes about a second of CPU from source) starts once the
  // page the user opens with the printed URL has loaded, not alongside it (bench:editor).
  const api = createApiService({ door: 'browser', resourcesDir, workspace, fileScope, widenHint, startupDocument, warmSpare: true, warmSpareAfterMs: SPARE_AFTER_START_MS });
  const staticDir = join(repoRoot, 'out', 'renderer');
  const hostOptions: HostOptions = { api, staticDir, port, offload: createDocumentOffload({ workspace }) };
  if (values.dev) {
    const { createServer } = await import('vite');
    const { rendererConfig } = await import('../../../vite.renderer.config.ts');
    const vite = await createServer({ ...rendererConfig, configFile: false, server: { middlewareMode: true, hmr: false } });
    hostOptions.middleware = vite.middlewares;
  } else if (!existsSync(join(staticDir, 'index.html'))) {
    console.error(`whittle web: the renderer is not built (${staticDir} has no index.html). Run \`npm run web\`, which builds it first.`);
    process.exit(2);
  }
  keepServingOnFaults();
  // The first page load's start-up data (startup-data.ts) is gathered once before the URL is
  // printed: the first answers of a fresh process (modules loaded, schemas compiled) took
  // 100-250 ms, which the page waited for (bench:editor); later loads gather it anew.
  await startupDataElementFor(api).catch(() => '');
  const host = await startHost(hostOptions);
  console.log(`Whittle browser host: ${host.url}`);
  const stop = () => {
    api.dispose();
    void host.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`whittle web: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
