// Where outputs go when the user did not say (DESIGN.md §8): next to the saved document in
// whittle-out/<run>/, or in the user's Whittle folder for a document never saved (or a
// bundled example) — never inside the application's own folders.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The user's Whittle folder: WHITTLE_USER_DIR (tests), else ~/Whittle. */
export function userWhittleDir(): string {
  return resolve(process.env.WHITTLE_USER_DIR || join(homedir(), 'Whittle'));
}

/** Folder for exports of a document never saved. */
export function unsavedExportsDir(): string {
  return join(userWhittleDir(), 'exports');
}

/** Where dropped or uploaded models land inside a workspace. */
export function uploadsDir(workspace: string): string {
  return join(workspace, 'Whittle', 'models');
}

/**
 * The parent folder of a run's output folder: `<document folder>/whittle-out` for a saved
 * document, `~/Whittle/exports` for an unsaved one or one inside read-only folders.
 */
export function defaultOutputRoot(documentDir: string | null, readOnly: (dir: string) => boolean): string {
  if (documentDir && !readOnly(documentDir)) return join(documentDir, 'whittle-out');
  return unsavedExportsDir();
}
