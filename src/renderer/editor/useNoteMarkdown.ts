// A sticky note's markdown as HTML. markdown-it (with its entity tables, ~12% of the
// editor's bundle) loads when a note is first shown, not before the editor's first view.
import { useEffect, useMemo, useState } from 'react';

type RenderMarkdown = (text: string) => string;

let renderMarkdown: RenderMarkdown | null = null;
let loading: Promise<void> | null = null;

function loadMarkdown(): Promise<void> {
  loading ??= import('markdown-it').then(({ default: MarkdownIt }) => {
    // html: false escapes any HTML in the text. No links or images: a note must neither load
    // a remote picture nor navigate the window away from the editor.
    const markdown = new MarkdownIt({ html: false, linkify: false, breaks: true }).disable(['link', 'image', 'autolink']);
    renderMarkdown = (text) => markdown.render(text);
  }, (err: unknown) => {
    // The note keeps showing its text as typed; the next note shown tries again.
    loading = null;
    console.error('Could not load the markdown renderer for notes:', err);
  });
  return loading;
}

/** The note's HTML, or null until markdown-it has loaded (show the text as typed meanwhile). */
export function useNoteMarkdown(text: string): string | null {
  const [ready, setReady] = useState(renderMarkdown !== null);
  useEffect(() => {
    let live = true;
    if (!ready) void loadMarkdown().then(() => { if (live) setReady(renderMarkdown !== null); });
    return () => { live = false; };
  }, [ready]);
  return useMemo(() => (ready && renderMarkdown ? renderMarkdown(text) : null), [ready, text]);
}
