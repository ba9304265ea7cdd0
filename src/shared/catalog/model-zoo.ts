// `model.zoo`: a freshly initialized network from Whittle's model builder (seeded, so a
// pipeline re-runs to the same weights) — a student for distillation or a test subject.
import type { NodeKindSpec } from './types.ts';

const CONV_ARCHS = ['mobilenetv2', 'resnet18', 'resnet-small'];

export const MODEL_ZOO: NodeKindSpec = {
  kind: 'model.zoo',
  version: 1,
  title: 'Model zoo',
  category: 'Input',
  description: 'Builds an untrained network (He-initialized from a seed): MLP, LeNet-5, a MobileNetV2-style net, a ResNet, or a YOLOv8-n-style detector (outputs p3, p4, p5). Input "input" [N, C, H, W] (MLP and LeNet-5: MNIST-shaped [N, 1, 28, 28]), output "logits" [N, classes]. Train it, or use it as a distillation student.',
  inputs: [],
  outputs: [{ name: 'model', type: 'model', label: 'Model', help: 'The built ONNX model (opset 17).' }],
  face: {
    params: [{ param: 'arch' }, { param: 'classes', unlessDefault: true }],
    metrics: [
      { metric: 'sizeBytes', label: 'size', format: 'bytes' },
      { metric: 'parameters', label: 'params', format: 'count' },
      { metric: 'macs', label: 'MACs', format: 'count' },
    ],
  },
  params: {
    arch: {
      type: 'enum',
      label: 'Architecture',
      help: 'Which network to build.',
      default: 'lenet5',
      options: [
        { value: 'mlp', label: 'MLP', help: 'Fully connected layers with ReLU over flattened 28x28 images.' },
        { value: 'lenet5', label: 'LeNet-5', help: 'conv 6@5x5, conv 16@5x5, fc 120-84; 61,706 parameters for 10 classes.' },
        { value: 'mobilenetv2', label: 'MobileNetV2-style', help: 'Inverted residuals with depthwise convs and ReLU6; width 1 at 224x224 is torchvision\'s MobileNetV2.' },
        { value: 'resnet18', label: 'ResNet-18', help: 'torchvision\'s ResNet-18 layout (11.7 M parameters for 1000 classes).' },
        { value: 'resnet-small', label: 'ResNet (small)', help: 'A CIFAR-style ResNet: 3x3 stem, stages of 16-32-64 channels, one basic block each.' },
        { value: 'yolo-tiny', label: 'YOLOv8-n-style detector', help: 'A YOLOv8-n-style detector at width 16 (C2f, SPPF, three heads; 3.1 M parameters, RGB 320x320, 80 classes; classes and input size are fixed): the PyTorch export\'s architecture shipped as a skeleton (resources/models/yolo-tiny.skeleton.onnx), its weights drawn from the seed with the export\'s per-channel spread. Random weights: size, MACs and latency are real, detections are not.' },
      ],
    },
    classes: { type: 'number', label: 'Classes', help: 'Width of the output layer.', default: 10, min: 1, max: 100_000, integer: true },
    hidden: {
      type: 'string', label: 'Hidden layers', default: '64,64', visibleWhen: { param: 'arch', equals: ['mlp'] },
      help: 'Widths of the MLP\'s hidden layers, comma-separated (input 784 and the output are added).',
      pattern: { regex: '^\\s*\\d+(\\s*,\\s*\\d+)*\\s*$', message: 'Give positive integers separated by commas, e.g. 128,64.' },
    },
    width: {
      type: 'number', label: 'Width multiplier', default: 1, min: 0.1, max: 4, step: 0.05, visibleWhen: { param: 'arch', equals: ['mobilenetv2'] },
      help: 'Scales every layer\'s channels (rounded to multiples of 8), as torchvision\'s width_mult.',
    },
    inputSize: {
      type: 'number', label: 'Input size', default: 224, min: 16, max: 1024, integer: true, unit: 'px', visibleWhen: { param: 'arch', equals: CONV_ARCHS },
      help: 'Side of the square input image.',
    },
    inputChannels: {
      type: 'number', label: 'Input channels', default: 3, min: 1, max: 64, integer: true, visibleWhen: { param: 'arch', equals: CONV_ARCHS },
      help: '3 for RGB, 1 for grayscale.',
    },
    batchNorm: {
      type: 'boolean', label: 'BatchNormalization', default: true, visibleWhen: { param: 'arch', equals: CONV_ARCHS },
      help: 'Follow each conv with BatchNormalization (as trained networks do); off gives convs with bias.',
    },
    baseWidth: {
      type: 'number', label: 'Base channels', default: 0, min: 0, max: 512, integer: true, advanced: true, visibleWhen: { param: 'arch', equals: ['resnet18', 'resnet-small'] },
      help: 'Channels of the first ResNet stage; 0 keeps the default (64 for ResNet-18, 16 for the small one).',
    },
    seed: { type: 'number', label: 'Seed', default: 0, min: 0, max: 2 ** 31 - 1, integer: true, help: 'Seed of the weight initialization: the same seed gives the same model.' },
  },
};
