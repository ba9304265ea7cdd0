// `distill`: teacher + student (from its input, the builder, or the teacher minus channels)
// + dataset -> student trained on T^2 * KL + (1 - alpha) * CE (+ feature MSE).
import type { NodeHandler } from '../handler.ts';
import type { Model } from '../../onnx/model.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { buildModel } from '../../onnx/builder/index.ts';
import { pruneChannels } from '../../passes/prune/structured.ts';
import { optionsFromParams, readDatasetInput, readModelInput, runTraining, trainResult } from '../../train/node-run.ts';
import type { FeaturePair } from '../../train/teacher.ts';

function parseFeatures(list: string[], nodeId: string): FeaturePair[] {
  return list.filter((s) => s.trim()).map((s) => {
    const [student, teacher] = s.split(':').map((x) => x.trim());
    if (!student || !teacher) throw new WhittleError('distill.bad-feature', `'${s}' is not a feature pair.`, 'Write student_value:teacher_value.', nodeId);
    return { student, teacher };
  });
}

export const distill: NodeHandler = async (ctx) => {
  const { model: teacher, value: teacherValue } = readModelInput(ctx, 'teacher', 'Teacher');
  const source = String(ctx.params.studentSource ?? 'input');
  let student: Model;
  let label: string;
  if (source === 'builder') {
    const arch = String(ctx.params.arch ?? 'mlp');
    const hidden = String(ctx.params.hidden ?? '256,256').split(',').map((x) => Number(x.trim()));
    const classes = Number(teacher.graph.output[0]?.type?.tensorType?.shape?.dim?.[1]?.dimValue ?? 10);
    student = buildModel(arch, { hidden, classes, seed: Number(ctx.params.seed ?? 0) });
    label = arch === 'mlp' ? `MLP ${hidden.join('-')} · distilled` : `${arch === 'vit' ? 'ViT' : arch} · distilled`;
  } else if (source === 'pruned') {
    const ratio = Number(ctx.params.channelRatio ?? 0.5);
    student = pruneChannels(teacher, { ratio, importance: 'l1', scope: 'uniform' }).model;
    label = `${teacherValue.label} · ${Math.round(ratio * 100)}% channels · distilled`;
  } else {
    const s = readModelInput(ctx, 'student', 'Student');
    student = s.model;
    label = `${s.value.label} · distilled`;
  }
  ctx.progress(0, 1, 'Loading the dataset');
  const ds = await readDatasetInput(ctx);
  const batchSize = Number(ctx.params.batchSize ?? 64);
  const opts = optionsFromParams(ctx, Math.max(1, Math.floor(ds.size / batchSize)));
  const temperature = Number(ctx.params.temperature ?? 4);
  const alpha = Number(ctx.params.alpha ?? 0.9);
  const features = parseFeatures((ctx.params.features as string[] | undefined) ?? [], ctx.nodeId)
    .map((f) => ({ ...f, weight: Number(ctx.params.featureWeight ?? 1) }));
  // Detectors and regressors have no class distribution to soften: their outputs are matched raw.
  const mse = String(ctx.params.outputLoss ?? 'kl') === 'mse';
  const loss = mse ? { kind: 'mse-logits' as const } : { kind: 'distill' as const, temperature, alpha };
  const r = await runTraining(ctx, student, ds, { ...opts, teacher, features, loss }, 'Distillation');
  return trainResult(ctx, r, label, 'Distillation', mse ? { outputLoss: 'mse', studentSource: source } : { temperature, alpha, studentSource: source });
};
