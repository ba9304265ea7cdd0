// `distill`: knowledge distillation from a teacher into a student (Hinton et al. 2015).
import type { NodeKindSpec } from './types.ts';
import { TRAINING_PARAMS } from './train.ts';

export const DISTILL: NodeKindSpec = {
  kind: 'distill',
  version: 1,
  title: 'Distill',
  category: 'Train',
  description: 'Train a smaller student to mimic a teacher: T² · KL between softened outputs, blended with the label loss by alpha, plus optional MSE on named intermediate features. The student comes from its input, from the model builder, or from the teacher by removing channels.',
  inputs: [
    { name: 'teacher', type: 'model', label: 'Teacher', help: 'The trained model to learn from.' },
    { name: 'student', type: 'model', label: 'Student', optional: true, help: 'Used when the student source is "input".' },
    { name: 'dataset', type: 'dataset', label: 'Training data', help: 'Samples matching both models\' input; labels are needed unless alpha is 1.' },
  ],
  outputs: [{ name: 'model', type: 'model', label: 'Student', help: 'The distilled student, plain inference ONNX.' }],
  face: {
    params: [{ param: 'studentSource' }, { param: 'arch', label: 'Architecture' }, { param: 'channelRatio', label: 'Remove', format: 'percent' }, { param: 'epochs' }],
    metrics: [
      { metric: 'valAccuracy', label: 'best accuracy', format: 'percent' },
      { metric: 'bestEpoch', label: 'best epoch', format: 'integer', of: 'epochs' },
    ],
  },
  params: {
    studentSource: {
      type: 'enum', label: 'Student', default: 'input', help: 'Where the student comes from.',
      options: [
        { value: 'input', label: 'Student input' },
        { value: 'builder', label: 'Model builder' },
        { value: 'pruned', label: 'Teacher with channels removed' },
      ],
    },
    arch: {
      type: 'enum', label: 'Architecture', default: 'mlp', help: 'Builder architecture of the student.', visibleWhen: { param: 'studentSource', equals: ['builder'] },
      options: [{ value: 'mlp', label: 'MLP' }, { value: 'lenet5', label: 'LeNet-5' }, { value: 'vit', label: 'Small ViT', help: 'Patch 7, width 32, 2 blocks, 2 heads (MNIST-shaped input).' }],
    },
    hidden: { type: 'string', label: 'Hidden widths', default: '256,256', help: 'MLP hidden layer widths, comma-separated.', visibleWhen: { param: 'arch', equals: ['mlp'] } },
    channelRatio: { type: 'number', label: 'Channels removed', default: 0.5, min: 0, max: 1, exclusiveMax: true, step: 0.05, help: 'Fraction of channels removed from the teacher (L1 importance) to make the student.', visibleWhen: { param: 'studentSource', equals: ['pruned'] } },
    outputLoss: {
      type: 'enum', label: 'Output loss', default: 'kl', help: 'How the student\'s output is matched to the teacher\'s.',
      options: [
        { value: 'kl', label: 'Softened classes (KL)', help: 'T² · KL between softened class scores, blended with the label loss by alpha.' },
        { value: 'mse', label: 'Raw outputs (MSE)', help: 'Mean squared error on the whole first output: detectors (feature maps), regression. No labels used; add the other outputs as feature pairs.' },
      ],
    },
    temperature: { type: 'number', label: 'Temperature (T)', default: 4, min: 0.1, max: 100, help: 'Softens both output distributions; 2 to 8 is usual.', visibleWhen: { param: 'outputLoss', equals: ['kl'] } },
    alpha: { type: 'number', label: 'Alpha', default: 0.9, min: 0, max: 1, help: 'Weight of the distillation term; 1 - alpha weighs the label loss (1 = no labels needed).', visibleWhen: { param: 'outputLoss', equals: ['kl'] } },
    features: { type: 'string-list', label: 'Feature pairs', default: [], placeholder: 'student_value:teacher_value', help: 'Intermediate values matched by MSE (a 1x1 projection is learned when widths differ).', advanced: true },
    featureWeight: { type: 'number', label: 'Feature loss weight', default: 1, min: 0, help: 'Weight of each feature MSE term.', advanced: true },
    ...TRAINING_PARAMS,
  },
};
