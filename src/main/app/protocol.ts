// The renderer is served from app://whittle/ (a custom, standard, secure scheme) instead of
// file://: the page gets a real origin, the API trusts exactly that origin, and every
// response carries the CSP header. Paths are resolved inside out/renderer only.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { ElectronMain } from './electron-api.ts';
import { CONTENT_SECURITY_POLICY } from './security.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'whittle';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.wasm': 'application/wasm',
};

/** True for a URL of our own page: scheme app, host whittle (never a file: URL prefix). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** The file under `rendererDir` an app:// URL names, or null (other host, escape, bad escape). */
export function rendererFileFor(url: string, rendererDir: string): string | null {
  if (!isAppUrl(url)) return null;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const root = normalize(rendererDir);
  const file = normalize(join(root, path));
  return file.startsWith(root + sep) ? file : null;
}

/** Before app.whenReady(): app: behaves like https (origin, storage, fetch), and is secure. */
export function registerAppScheme(electron: ElectronMain): void {
  electron.protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** After ready: answer app://whittle/... from out/renderer, with the CSP header on every response. */
export function serveRenderer(electron: ElectronMain, rendererDir: string): void {
  electron.protocol.handle(APP_SCHEME, async (request) => {
    const file = rendererFileFor(request.url, rendererDir);
    const headers = { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' };
    if (!file) return new Response('Not found', { status: 404, headers });
    try {
      const body = await readFile(file);
      return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream' } });
    } catch {
      return new Response('Not found', { status: 404, headers });
    }
  });
}
