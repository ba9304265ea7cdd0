// Report data of weight-sharing nodes, read by the engine and the results views.

/** `share.sensitivity`: one curve per layer (score against k, that layer alone clustered) and the proposed k per layer. */
export interface ShareSensitivityResult {
  metric: 'accuracy' | 'agreement';
  /** Score of the unclustered model. */
  baseline: number;
  /** k values tried, largest first (one per index width). */
  kValues: number[];
  /** Mean index bits per clustered weight the proposal was asked to reach. */
  targetBits: number;
  curves: { layer: string; weights: number; points: { k: number; bits: number; score: number }[] }[];
  /** Proposed k per layer. */
  proposal: Record<string, number>;
  /** Mean index bits per clustered weight under the proposal (at most targetBits: it settles on the k values tried). */
  meanBits: number;
  /** Score the curves predict for the proposal (layers taken as independent). */
  predictedScore: number;
  /** Baseline minus predictedScore. */
  predictedLoss: number;
}

/** Bits one index of a k-entry codebook needs. */
export function indexBits(k: number): number {
  return Math.max(1, Math.ceil(Math.log2(k)));
}
