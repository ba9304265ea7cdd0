// Schemas of the results calls: a model of a run by reference, its statistics
// (models.inspect), its graph for the model view (models.graph), and dataset previews.
import { z } from 'zod';

const Dim = z.union([z.number(), z.string()]);

/** A model produced by a run: the node and its output port (default: its first model output). */
export const ModelRefSchema = z.object({ runId: z.string(), nodeId: z.string(), port: z.string().optional() });

export const TensorInfoSchema = z.object({ name: z.string(), type: z.string(), shape: z.array(Dim) });

export const LayerStatsSchema = z.object({
  name: z.string(),
  opType: z.string(),
  parameters: z.number(),
  nonZeroParameters: z.number(),
  /** 1 - nonZero / parameters (0 without parameters). */
  sparsity: z.number(),
  /** Multiply-accumulates at batch 1; null when shapes could not be inferred. */
  macs: z.number().nullable(),
  weightShape: z.array(z.number()).optional(),
  outputShape: z.array(Dim).optional(),
});
export type LayerStats = z.output<typeof LayerStatsSchema>;

export const ModelInspectionSchema = z.object({
  label: z.string(),
  sizeBytes: z.number(),
  gzipSizeBytes: z.number(),
  opset: z.number(),
  irVersion: z.number(),
  producer: z.string(),
  nodeCount: z.number(),
  parameters: z.number(),
  nonZeroParameters: z.number(),
  sparsity: z.number(),
  /** Total at batch 1 over the layers whose MACs are known. */
  macs: z.number(),
  macsUnknownLayers: z.number(),
  inputs: z.array(TensorInfoSchema),
  outputs: z.array(TensorInfoSchema),
  /** Op type -> node count. */
  ops: z.record(z.string(), z.number()),
  /** Layers with parameters or MACs, in graph order. */
  layers: z.array(LayerStatsSchema),
});
export type ModelInspection = z.output<typeof ModelInspectionSchema>;

/** Summary of a constant tensor's (logical, dequantized) values, for the properties panel. */
export const WeightStatsSchema = z.object({
  count: z.number(), min: z.number(), max: z.number(), mean: z.number(), std: z.number(),
  /** Share of exact zeros. */
  sparsity: z.number(),
});
export type WeightStats = z.output<typeof WeightStatsSchema>;

/** Scale and zero point of a QuantizeLinear / DequantizeLinear (the first values when per channel). */
export const QuantParamsSchema = z.object({
  scale: z.array(z.number()),
  zeroPoint: z.array(z.number()),
  /** How many channels (1 when per tensor). */
  channels: z.number(),
  axis: z.number().optional(),
  /** Element type of the quantized side (int8, uint8, ...). */
  quantType: z.string().optional(),
});
export type QuantParams = z.output<typeof QuantParamsSchema>;

export const GraphNodeSchema = z.object({
  id: z.string(),
  /** Op type, or 'Input' / 'Output' for the graph's own inputs and outputs. */
  opType: z.string(),
  name: z.string(),
  /** Attributes as short display strings. */
  attributes: z.record(z.string(), z.string()),
  /** Initializer inputs (weights) with their shapes, value statistics and, for QDQ weights, their quantization. */
  weights: z.array(z.object({
    name: z.string(), shape: z.array(z.number()),
    stats: WeightStatsSchema.optional(), quant: QuantParamsSchema.optional(),
  })),
  /** A QuantizeLinear / DequantizeLinear node's own scale and zero point. */
  quant: QuantParamsSchema.optional(),
});
export type GraphNode = z.output<typeof GraphNodeSchema>;

export const GraphEdgeSchema = z.object({
  from: z.string(),
  to: z.string(),
  value: z.string(),
  shape: z.array(Dim).nullable(),
});
export type GraphEdge = z.output<typeof GraphEdgeSchema>;

export const ModelGraphSchema = z.object({
  label: z.string(),
  nodes: z.array(GraphNodeSchema),
  edges: z.array(GraphEdgeSchema),
  /** True when the graph had more nodes than the view draws. */
  truncated: z.boolean(),
});
export type ModelGraph = z.output<typeof ModelGraphSchema>;

/** models.view: an .onnx file opened for viewing only (no pipeline); Electron asks with a dialog when no path is given. */
export const ModelFileRequestSchema = z.object({ path: z.string().optional() });
export const ModelFileViewSchema = z.union([
  z.object({ canceled: z.literal(true) }),
  z.object({ canceled: z.literal(false), path: z.string(), graph: ModelGraphSchema, inspection: ModelInspectionSchema }),
]);

export const DatasetPreviewRequestSchema = z.object({
  /** A dataset node kind (dataset.mnist, dataset.images, ...) and its params as in the document. */
  kind: z.string(),
  params: z.record(z.string(), z.unknown()),
  /** The pipeline file the params' relative paths belong to (null: unsaved). */
  documentPath: z.string().nullable().optional(),
  count: z.number().int().min(1).max(64).optional(),
});

export const DatasetPreviewSchema = z.object({
  label: z.string(),
  sampleShape: z.array(z.number()),
  samples: z.array(z.object({
    index: z.number(),
    label: z.number().optional(),
    className: z.string().optional(),
    /** data:image/png;base64,... */
    dataUrl: z.string(),
  })),
  /** Why there are no thumbnails (samples that are not images). */
  note: z.string().optional(),
});
export type DatasetPreview = z.output<typeof DatasetPreviewSchema>;
