// Report kind -> the component that draws it. A node's result carries reports tagged by
// `kind` (e.g. 'quantize.layers'); add ONE line per kind here (plus its import). Kinds
// without an entry are shown by GenericReport as a table of their data.
import type { ComponentType } from 'react';
import type { Report, RunRecord } from '../../shared/api/run.ts';
import { LayerSparsityView } from './prune/LayerSparsityView.tsx';
import { SensitivityView } from './prune/SensitivityView.tsx';
import { SizeReportView } from './prune/SizeReportView.tsx';
import { LatencyReportView } from './runtime/LatencyReportView.tsx';
import { TrainCurveView } from './train/TrainCurveView.tsx';
import { AccuracyStepsView } from './quantize/AccuracyStepsView.tsx';
import { QuantizeLayersView } from './quantize/QuantizeLayersView.tsx';
import { ProfileReportView } from '../devices/ProfileReportView.tsx';
import { PackLayersView } from './pack/PackLayersView.tsx';
import { PackWaterfallView } from './pack/PackWaterfallView.tsx';
import { ShareSensitivityView } from './share/ShareSensitivityView.tsx';

export interface ReportViewProps {
  report: Report;
  /** The run the report belongs to (other nodes' results, artifacts). */
  run: RunRecord;
  nodeId: string;
}

export type ReportComponent = ComponentType<ReportViewProps>;

export const REPORT_VIEWS: Record<string, ReportComponent> = {
  'benchmark.latency': LatencyReportView,
  'devices.profile': ProfileReportView,
  'pack.layers': PackLayersView,
  'pack.waterfall': PackWaterfallView,
  'prune.layers': LayerSparsityView,
  'prune.sensitivity': SensitivityView,
  'prune.size': SizeReportView,
  'quantize.accuracy': AccuracyStepsView,
  'quantize.layers': QuantizeLayersView,
  'share.sensitivity': ShareSensitivityView,
  'train.curve': TrainCurveView,
};
