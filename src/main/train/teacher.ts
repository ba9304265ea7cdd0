// Checks a teacher against its student before distilling: same input, same number of
// outputs (classes), and the shapes of the intermediate features matched by MSE.
import { cloneModel, type Model } from '../onnx/model.ts';
import { onnx } from '../onnx/proto.ts';
import { WhittleError } from '../../shared/errors.ts';
import { sampleSize, type Dataset } from '../data/dataset.ts';
import { ort } from '../runtime/session.ts';
import { probeModel } from './probe.ts';
import type { FeatureTerm } from './losses.ts';

/** MSE between a student value and a teacher value (names in each model's graph). */
export interface FeaturePair {
  student: string;
  teacher: string;
  weight?: number;
}

export interface CheckedFeature extends FeaturePair {
  /** Teacher feature dims without the batch axis. */
  teacherSample: number[];
}

async function outputDims(model: Model, ds: Dataset, extra: string[], what: string): Promise<Map<string, number[]>> {
  const m = cloneModel(model);
  for (const name of extra) {
    const produced = m.graph.node.some((n) => n.output.includes(name));
    if (!produced) throw new WhittleError('train.no-such-feature', `The ${what} has no value named '${name}'.`, 'Pick a feature name from the model graph (a node output).');
    if (!m.graph.output.some((o) => o.name === name)) m.graph.output.push(onnx.ValueInfoProto.create({ name }));
  }
  const inits = new Set(m.graph.initializer.map((t) => t.name));
  const inputs = m.graph.input.filter((i) => !inits.has(i.name));
  const input = inputs.find((i) => i.name === ds.inputName) ?? inputs[0];
  if (!input) throw new WhittleError('train.no-input', `The ${what} has no input.`);
  const feeds: Record<string, ort.Tensor> = { [input.name]: new ort.Tensor('float32', ds.inputs.slice(0, 2 * sampleSize(ds)), [2, ...ds.sampleShape]) };
  // A model with several data inputs is fed the dataset's same-named extra inputs.
  for (const x of ds.extraInputs ?? []) {
    if (inputs.some((i) => i.name === x.name)) feeds[x.name] = new ort.Tensor('float32', x.values.slice(0, 2 * sampleSize(x)), [2, ...x.sampleShape]);
  }
  const probe = await probeModel({ ...m, graph: { ...m.graph, node: m.graph.node } } as Model, feeds);
  const out = new Map<string, number[]>();
  for (const name of [m.graph.output[0].name, ...extra]) out.set(name, probe.shapes.get(name) ?? []);
  return out;
}

export async function checkTeacher(teacher: Model, student: Model, ds: Dataset, features: FeaturePair[]): Promise<CheckedFeature[]> {
  if (ds.size < 2) throw new WhittleError('data.too-small', 'Distillation needs at least two samples.');
  const t = await outputDims(teacher, ds, features.map((f) => f.teacher), 'teacher');
  const s = await outputDims(student, ds, features.map((f) => f.student), 'student');
  const tOut = t.get(teacher.graph.output[0].name)!;
  const sOut = s.get(student.graph.output[0].name)!;
  if (tOut.slice(1).join() !== sOut.slice(1).join()) {
    throw new WhittleError(
      'train.teacher-mismatch',
      `The teacher outputs [${tOut.slice(1).join(', ')}] per sample but the student outputs [${sOut.slice(1).join(', ')}]; distillation needs the same outputs (classes).`,
      'Use a student built for the same number of classes as the teacher.',
    );
  }
  return features.map((f) => ({ ...f, teacherSample: t.get(f.teacher)!.slice(1) }));
}

export function teacherFeatureTerms(features: CheckedFeature[], batchSize: number): FeatureTerm[] {
  return features.map((f) => ({ student: f.student, teacherDims: [batchSize, ...f.teacherSample], weight: f.weight ?? 1 }));
}
