// The prune/share report payloads the renderer draws (declared once in
// src/shared/reports/prune.ts) and the formatters its views use.
import type { SensitivityResult } from '../../../shared/reports/prune.ts';

export type { LayerSize, SizeReport, LayerRow } from '../../../shared/reports/prune.ts';

export type SensitivityData = SensitivityResult;

export { formatBytes, formatCount, formatPercent as pct } from '../../../shared/format.ts';
