// The headline of a bundled example, read from its name ("Model: a -> b -> c"): what the
// gallery card shows as the model and its steps.

/** "MobileNetV2: train -> prune" -> { model: 'MobileNetV2', steps: ['train', 'prune'] }. */
export function exampleHeadline(name: string): { model: string; steps: string[] } {
  const at = name.indexOf(':');
  if (at < 0) return { model: name, steps: [] };
  return { model: name.slice(0, at).trim(), steps: name.slice(at + 1).split('->').map((s) => s.trim()).filter(Boolean) };
}
