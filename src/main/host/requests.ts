// The browser host's reading of raw requests, written to be total: any request line,
// header or cookie an HTTP client can send gives a value or null here, never a throw,
// so a malformed request ends as a 4xx and not as an exception in the server.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface RequestTarget {
  /** The decoded path, e.g. "/assets/index.js". */
  path: string;
  query: URLSearchParams;
}

/**
 * The path and query of a request target (origin-form only: "/path?query"). Null for
 * anything else: "//", "http://other/", "*", bad percent-escapes, NUL bytes.
 */
export function parseRequestTarget(raw: string | undefined): RequestTarget | null {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//')) return null;
  const queryAt = raw.indexOf('?');
  const rawPath = queryAt === -1 ? raw : raw.slice(0, queryAt);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  const query = new URLSearchParams(queryAt === -1 ? '' : raw.slice(queryAt + 1));
  return { path, query };
}

/** Cookie pairs of a Cookie header; malformed pieces are skipped. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (typeof header !== 'string') return cookies;
  for (const piece of header.split(';')) {
    const eq = piece.indexOf('=');
    if (eq <= 0) continue;
    const name = piece.slice(0, eq).trim();
    let value = piece.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || given === '') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The cookie carrying the token; per port, since cookies are not scoped by port. */
export function tokenCookieName(port: number): string {
  return `whittle-token-${port}`;
}

export function tokenCookie(port: number, token: string): string {
  return `${tokenCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/** The token a request presents: the cookie set at first load, or `?token=` in the URL. */
export function presentedToken(req: IncomingMessage, target: RequestTarget, port: number): { cookie: string | null; query: string | null } {
  const cookie = parseCookies(typeof req.headers.cookie === 'string' ? req.headers.cookie : undefined).get(tokenCookieName(port)) ?? null;
  return { cookie, query: target.query.get('token') };
}

export function contentSecurityPolicy(host: string, port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ws://${host}:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The page for a request without a valid token: it says what is wrong and what to do. */
export function tokenPage(reason: 'missing' | 'wrong'): string {
  const why = reason === 'missing'
    ? 'This link needs its token: the address has no <code>?token=…</code> and this browser has not opened the host with it before.'
    : 'This link needs its token: the token in the address is not the one of the running host (it changes at every start).';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Whittle: this link needs its token</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<style>body{font:16px system-ui,sans-serif;max-width:40em;margin:4em auto;color:#222}code{background:#eee;padding:0 .2em}</style></head>
<body><h1>This link needs its token</h1><p>${why}</p>
<p>Open the exact address that <code>npm run web</code> printed in its terminal (it ends in <code>?token=</code> and 48 characters). The host itself is running.</p></body></html>
`;
}
