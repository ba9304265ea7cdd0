// What a run is called in the history: the document's name, or its file's name when the
// document kept the default name, so runs of different files do not all read "Untitled pipeline".

/** The name emptyDocument() gives (src/shared/pipeline/document.ts). */
const DEFAULT_DOCUMENT_NAME = 'Untitled pipeline';

export function runName(documentName: string, documentPath: string | null | undefined): string {
  const name = documentName.trim();
  if (name && name !== DEFAULT_DOCUMENT_NAME) return name;
  const file = documentPath?.split(/[\\/]/).pop()?.replace(/\.json$/i, '');
  return file || DEFAULT_DOCUMENT_NAME;
}

/** Limits of what a user may write on a run (runs.update). */
export const RUN_NAME_MAX_CHARS = 200;
export const RUN_TAG_MAX_CHARS = 40;
export const RUN_TAGS_MAX = 20;
export const RUN_NOTE_MAX_CHARS = 10_000;
