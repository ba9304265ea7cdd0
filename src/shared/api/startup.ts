// What the renderer needs before its first render (app info, catalog, autosave entry and
// the start-up document's documents.open answer), carried inside the page the browser host
// serves, so the page renders without waiting on the socket for four calls (bench:editor).
// Electron's page has none and makes the calls.
import type { Envelope } from './client.ts';
import type { CallResponse } from './contract.ts';

/** The id of the `<script type="application/json">` element carrying the data. */
export const STARTUP_DATA_ELEMENT_ID = 'whittle-startup-data';

export interface StartupData {
  info: CallResponse<'app.info'>;
  catalog: CallResponse<'catalog.list'>;
  autosave: CallResponse<'autosave.read'>;
  /** documents.open of `info.startupDocument` (its failure as data); null when there is none. */
  opened: Envelope | null;
}

/**
 * JSON safe inside an HTML script element: no `<` (so no `</script>` or `<!--`), `>` or `&`
 * reaches the parser as markup, and U+2028/U+2029 are escaped too; JSON.parse reads it back unchanged.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The element to put in the page's body. */
export function startupDataElement(data: StartupData): string {
  return `<script type="application/json" id="${STARTUP_DATA_ELEMENT_ID}">${scriptSafeJson(data)}</script>`;
}

/** The data from the element's text, or null when it is missing or not start-up data. */
export function parseStartupData(text: string | null | undefined): StartupData | null {
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Partial<StartupData>;
  const isObject = (x: unknown) => typeof x === 'object' && x !== null;
  if (!isObject(v.info) || !isObject(v.catalog) || !Array.isArray(v.catalog?.kinds) || !isObject(v.autosave)) return null;
  if (v.opened !== null && !(isObject(v.opened) && typeof v.opened?.ok === 'boolean')) return null;
  return v as StartupData;
}
