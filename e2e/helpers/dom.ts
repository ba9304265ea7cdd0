// The few DOM types that code run in the page (page.evaluate) needs: the e2e specs are
// typechecked with Node's libs only (no "dom"), so that src/main cannot use DOM globals.
export interface DomRect { x: number; y: number; width: number; height: number; top: number }

export interface DomEl {
  textContent: string | null;
  disabled?: boolean;
  scrollWidth: number;
  clientWidth: number;
  parentElement: DomEl | null;
  dataset: Record<string, string | undefined>;
  selectedOptions?: ArrayLike<{ text: string }>;
  getBoundingClientRect(): DomRect;
  getAttribute(name: string): string | null;
}

export interface DomStyle { color: string; backgroundColor: string; visibility: string; overflow: string; textAlign: string; textOverflow: string; font: string }

export interface DomWindow {
  document: {
    querySelectorAll(selector: string): ArrayLike<DomEl>;
    createRange(): { selectNodeContents(node: DomEl): void; getClientRects(): ArrayLike<DomRect> };
    createElement(tag: 'canvas'): { getContext(kind: '2d'): { font: string; measureText(text: string): { width: number } } | null };
  };
  getComputedStyle(el: DomEl): DomStyle;
}
