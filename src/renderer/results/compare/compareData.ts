// The compare view's data lives in src/shared/results (the CLI summary reads it too);
// re-exported here for the views that import it from the compare folder.
export { modelRows, modelRowsOfRuns, defaultBaseline, type ModelRow } from '../../../shared/results/rows.ts';
export { paretoFront, type Point } from '../../../shared/results/pareto.ts';
export { formatBytes, formatCount } from '../../../shared/format.ts';
