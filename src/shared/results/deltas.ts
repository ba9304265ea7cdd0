// Each model against the chosen baseline, in words a reader takes in at a glance:
// "3.7× smaller", "−0.2 pt", "2.1× faster". One convention for the app, CSV and CLI.
import { formatRatio } from '../format.ts';

export type DeltaTone = 'better' | 'worse' | 'same';

export interface Delta {
  text: string;
  tone: DeltaTone;
}

/** Ratios closer to 1 than this read as "same". */
const SAME_RATIO = 0.01;
/** Accuracy differences under this many points read as ±0.0 pt. */
const SAME_POINTS = 0.05;

/**
 * A cost (size, MACs, latency) against the baseline's: "3.7× smaller" when lower, "1.2× larger"
 * when higher; `words` names both directions and a tie.
 */
export function costDelta(value: number, baseline: number, words: readonly [lower: string, higher: string, same: string]): Delta | undefined {
  if (!(value > 0) || !(baseline > 0)) return undefined;
  const ratio = baseline / value;
  if (Math.abs(ratio - 1) < SAME_RATIO) return { text: words[2], tone: 'same' };
  return ratio > 1 ? { text: `${formatRatio(ratio)} ${words[0]}`, tone: 'better' } : { text: `${formatRatio(1 / ratio)} ${words[1]}`, tone: 'worse' };
}

/** A quality in [0, 1] (accuracy, mAP) against the baseline's, in percentage points: "−0.2 pt". */
export function pointsDelta(value: number, baseline: number): Delta {
  const points = (value - baseline) * 100;
  if (Math.abs(points) < SAME_POINTS) return { text: '±0.0 pt', tone: 'same' };
  // A real minus sign, as typeset tables use.
  return points > 0 ? { text: `+${points.toFixed(1)} pt`, tone: 'better' } : { text: `−${Math.abs(points).toFixed(1)} pt`, tone: 'worse' };
}

export const sizeDelta = (v: number, b: number) => costDelta(v, b, ['smaller', 'larger', 'same size']);
export const latencyDelta = (v: number, b: number) => costDelta(v, b, ['faster', 'slower', 'same speed']);
export const macsDelta = (v: number, b: number) => costDelta(v, b, ['fewer MACs', 'more MACs', 'same MACs']);
