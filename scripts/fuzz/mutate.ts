// Seeded mutators for the fuzz harness: bytes (ONNX files), structured model edits, JSON
// documents, HTTP request lines and WebSocket frames. Same seed, same cases.

import { seededRandom } from '../../src/shared/random.ts';

export type Rng = () => number;

/** The app's own seeded PRNG (mulberry32): same seed, same cases on every machine. */
export const rngFrom: (seed: number) => Rng = seededRandom;

export const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
export const pick = <T>(rng: Rng, list: readonly T[]): T => list[int(rng, list.length)];

export function randomBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = int(rng, 256);
  return out;
}

/** One byte-level mutation: bit flips, special bytes, truncation, insertion, deletion, duplication, huge varints. */
export function mutateBytes(rng: Rng, input: Uint8Array): Uint8Array {
  const bytes = Uint8Array.from(input);
  const at = () => int(rng, Math.max(1, bytes.length));
  switch (int(rng, 8)) {
    case 0: for (let k = 1 + int(rng, 8); k > 0; k--) bytes[at()] ^= 1 << int(rng, 8); return bytes;
    case 1: for (let k = 1 + int(rng, 4); k > 0; k--) bytes[at()] = pick(rng, [0, 0xff, 0x7f, 0x80, 0x0a, 0x12, 0x1a]); return bytes;
    case 2: return bytes.subarray(0, at());
    case 3: { const p = at(); return concat(bytes.subarray(0, p), randomBytes(rng, 1 + int(rng, 64)), bytes.subarray(p)); }
    case 4: { const p = at(); return concat(bytes.subarray(0, p), bytes.subarray(Math.min(bytes.length, p + 1 + int(rng, 256)))); }
    case 5: { const p = at(); const q = Math.min(bytes.length, p + 1 + int(rng, 512)); return concat(bytes.subarray(0, q), bytes.subarray(p, q), bytes.subarray(q)); }
    case 6: { const p = at(); return concat(bytes.subarray(0, p), Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), bytes.subarray(p)); }
    default: { const p = at(); bytes.fill(int(rng, 256), p, Math.min(bytes.length, p + int(rng, 64))); return bytes; }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

const ODD_STRINGS = ['', '.', '..', '../x', '/etc/passwd', 'a\u0000b', '\uFEFF', 'x'.repeat(5000), '%E0%A4%A', '😀', 'C:\\x', '-1e308', 'NaN', '__proto__', 'constructor'];
const ODD_NUMBERS = [0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 4.5e27, Number.MIN_VALUE, 999999999999];

function oddValue(rng: Rng): unknown {
  switch (int(rng, 7)) {
    case 0: return pick(rng, ODD_STRINGS);
    case 1: return pick(rng, ODD_NUMBERS);
    case 2: return pick(rng, [true, false, null]);
    case 3: return [];
    case 4: return {};
    case 5: return Array.from({ length: int(rng, 5) }, () => pick(rng, ODD_STRINGS));
    default: return { [pick(rng, ODD_STRINGS)]: pick(rng, ODD_NUMBERS) };
  }
}

/** Every (container, key) in a JSON value, for picking a place to mutate. */
function places(value: unknown, out: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = []): typeof out {
  if (Array.isArray(value)) value.forEach((v, i) => { out.push({ parent: value, key: i }); places(v, out); });
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) { out.push({ parent: value as Record<string, unknown>, key: k }); places(v, out); }
  return out;
}

/** One document mutation: a JSON-level edit (replace, delete, add, duplicate, cycle) or a text-level one. */
export function mutateDocumentText(rng: Rng, text: string): string {
  const doc = JSON.parse(text) as { nodes?: { id: string }[]; edges?: unknown[] };
  const kind = int(rng, 10);
  if (kind >= 8) {
    // Text level: truncation, BOM, NUL, a random character.
    const p = int(rng, text.length);
    return pick(rng, [text.slice(0, p), `\uFEFF${text}`, `${text.slice(0, p)}\u0000${text.slice(p)}`, `${text.slice(0, p)}${String.fromCharCode(int(rng, 0x3000))}${text.slice(p + 1)}`]);
  }
  const spots = places(doc);
  for (let k = 1 + int(rng, 3); k > 0 && spots.length > 0; k--) {
    const spot = pick(rng, spots);
    const parent = spot.parent as Record<string | number, unknown>;
    switch (kind) {
      case 0: case 1: case 2: parent[spot.key] = oddValue(rng); break;
      case 3: if (Array.isArray(parent)) parent.splice(Number(spot.key), 1); else delete parent[spot.key]; break;
      case 4: parent[Array.isArray(parent) ? parent.length : pick(rng, ODD_STRINGS) || 'extra'] = oddValue(rng); break;
      case 5: if (doc.nodes?.length) doc.nodes.push({ ...doc.nodes[int(rng, doc.nodes.length)] }); break;
      case 6: if (doc.nodes && doc.nodes.length > 1 && Array.isArray(doc.edges)) doc.edges.push({ from: [doc.nodes[doc.nodes.length - 1].id, 'model'], to: [doc.nodes[0].id, 'model'] }); break;
      default: if (Array.isArray(doc.nodes)) for (let i = int(rng, 2000); i > 0; i--) doc.nodes.push({ id: `x${i}`, kind: pick(rng, ['prune', 'model.onnx', 'nope']) } as { id: string }); break;
    }
  }
  return JSON.stringify(doc);
}
