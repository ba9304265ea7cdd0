// A text field edited in place on the canvas (a group title, a note): focused on opening,
// kept when it loses focus; its keys stay in the field, not canvas shortcuts; Enter
// (Ctrl+Enter where Enter is a new line) keeps the text, Escape drops the edit.
import type { FocusEvent, KeyboardEvent } from 'react';

type Field = HTMLInputElement | HTMLTextAreaElement;

export function inlineEditProps(text: string, keep: (text: string) => void, drop: () => void, multiline: boolean) {
  return {
    defaultValue: text,
    autoFocus: true,
    onBlur: (e: FocusEvent<Field>) => keep(e.target.value),
    onKeyDown: (e: KeyboardEvent<Field>) => {
      e.stopPropagation();
      if (e.key === 'Enter' && (!multiline || e.ctrlKey || e.metaKey)) keep(e.currentTarget.value);
      if (e.key === 'Escape') drop();
    },
  };
}
