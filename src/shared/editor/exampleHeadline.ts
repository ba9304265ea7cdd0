// The headline of a bundled example, read from its name ("Model: a -> b -> c"): what the
// gallery card shows as the model and its steps.

/**
 * "MobileNetV2: train -> prune" -> { model: 'MobileNetV2', steps: ['train', 'prune'] }.
 * A named chain in brackets, "LeNet-5: Deep Compression (prune -> pack)", keeps its name with
 * the model ("LeNet-5 · Deep Compression") so no step chip carries half a bracket.
 */
export function exampleHeadline(name: string): { model: string; steps: string[] } {
  const at = name.indexOf(':');
  if (at < 0) return { model: name, steps: [] };
  const model = name.slice(0, at).trim();
  const rest = name.slice(at + 1).trim();
  const named = /^([^(]+?)\s*\((.*->.*)\)$/.exec(rest);
  const chain = named ? named[2] : rest;
  const steps = chain.split('->').map((s) => s.trim()).filter(Boolean);
  return { model: named ? `${model} · ${named[1].trim()}` : model, steps };
}
