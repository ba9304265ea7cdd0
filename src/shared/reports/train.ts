// Payload of the `train.curve` report: loss and accuracy per epoch of a train/distill node,
// sent after every epoch and kept in the run record. Written by src/main/train, drawn by
// src/renderer/reports/train (the results chart and the sparkline inside the node).

export const TRAIN_CURVE_KIND = 'train.curve';

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  testAccuracy?: number;
  lr: number;
  seconds: number;
}

export interface TrainCurveData {
  epochs: EpochRecord[];
  totalEpochs: number;
  bestEpoch?: number;
  stopReason?: string;
}
