// Statistics of a model file named by path: for the CLI's `whittle inspect`, which runs as
// the user on the user's own files (the app's doors use models.inspect, keyed by run).
import { modelFileStats, type ModelStats } from '../onnx/stats.ts';

export type { ModelStats, LayerStats } from '../onnx/stats.ts';

export function inspectModelPath(path: string): ModelStats {
  return modelFileStats(path);
}
