// `whittle view <model.onnx>`: look at a model's graph without building a pipeline. The
// model is read first (a missing, refused or unreadable file is reported here, in the
// terminal); then the browser host starts on 127.0.0.1 with the model's folder as its
// workspace and prints the address, which opens the model viewer (#view=<path>).
import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { WhittleError } from '../../../shared/errors.ts';
import { createApiService } from '../../api/service.ts';
import { findUp } from '../../api/version.ts';
import { startHost } from '../../host/server.ts';
import { reportError } from '../api.ts';

interface ViewOptions { port: string; browser: boolean }

export function registerView(program: Command): void {
  program
    .command('view')
    .description('Open an .onnx model in the model viewer (browser host on 127.0.0.1) without building a pipeline.')
    .argument('<model>', '.onnx model file')
    .option('--port <n>', 'port of the browser host (0 picks a free one)', '0')
    .option('--no-browser', 'print the address only; do not open a browser')
    .action(async (file: string, opts: ViewOptions) => {
      const code = await viewCommand(file, opts);
      if (code !== 0) process.exitCode = code;
    });
}

/** The system's way to open an address in the default browser (none found: the address is printed anyway). */
function openInBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write('whittle view: no browser could be started; open the address above yourself.\n'));
  child.unref();
}

async function viewCommand(file: string, opts: ViewOptions): Promise<number> {
  const port = Number(opts.port);
  const path = resolve(file);
  const folder = dirname(path);
  try {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new WhittleError('cli.bad-port', `--port must be a whole number from 0 to 65535 (got ${opts.port}).`, 'Leave it out to pick a free port.');
    const repoRoot = dirname(findUp(import.meta.dirname, 'package.json') ?? join(process.cwd(), 'package.json'));
    const staticDir = join(repoRoot, 'out', 'renderer');
    if (!existsSync(join(staticDir, 'index.html'))) {
      throw new WhittleError('cli.renderer-missing', `The viewer's pages are not built (${staticDir} has no index.html).`, 'Run `npm run web` once (it builds them), or `npx vite build -c vite.renderer.config.ts`.');
    }
    const widenHint = 'Run `whittle view` on a model inside the folder you want to browse.';
    // The model named on the command line is the user's own choice: its folder is the workspace (DESIGN.md §8).
    const api = createApiService({ door: 'browser', workspace: existsSync(folder) ? folder : process.cwd(), fileScope: [folder], widenHint, startupDocument: null });
    try {
      // Read it here first, so a bad file is a message in the terminal, not a blank page.
      await api.call('models.view', { path });
    } catch (err) {
      api.dispose();
      throw err;
    }
    // No document offload: the viewer sends no pipeline documents big enough to need one.
    const host = await startHost({ api, staticDir, port });
    const url = `${host.url}#view=${encodeURIComponent(path)}`;
    process.stdout.write(`Whittle model viewer: ${url}\n(Ctrl+C stops it.)\n`);
    if (opts.browser) openInBrowser(url);
    const stop = () => {
      api.dispose();
      void host.close().then(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
