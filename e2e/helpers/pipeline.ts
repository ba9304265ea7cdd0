// Pipeline documents written in specs: one node or edge per call.
export const node = (id: string, kind: string, params: Record<string, unknown>, x: number, y: number) => ({ id, kind, params, position: { x, y } });
export const edge = (a: string, ap: string, b: string, bp: string) => ({ from: [a, ap], to: [b, bp] });
