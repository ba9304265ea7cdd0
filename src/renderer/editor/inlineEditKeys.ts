// Keys of a text field edited in place on the canvas (a group title, a note): they stay in
// the field, not canvas shortcuts; Enter (Ctrl+Enter where Enter is a new line) keeps the
// text, Escape drops the edit.
import type { KeyboardEvent } from 'react';

export function inlineEditKeys(keep: (text: string) => void, drop: () => void, multiline: boolean) {
  return (e: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    e.stopPropagation();
    if (e.key === 'Enter' && (!multiline || e.ctrlKey || e.metaKey)) keep(e.currentTarget.value);
    if (e.key === 'Escape') drop();
  };
}
