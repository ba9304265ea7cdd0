// Payloads of the `pack` node's reports: what storage form each tensor took and why
// (`pack.layers`), and the size/accuracy waterfall across the recipe's stages
// (`pack.waterfall`). Written by src/main/passes/pack, drawn by src/renderer/reports/pack.

export const PACK_LAYERS_KIND = 'pack.layers';
export const PACK_WATERFALL_KIND = 'pack.waterfall';

export type StorageForm =
  | 'unchanged' | 'dense' | 'codebook-uint8' | 'codebook-uint4' | 'codebook-2bit' | 'codebook-1bit' | 'int4' | 'sparse' | 'sparse-codebook' | 'runlength-codebook';

export type PackTarget = 'onnxruntime' | 'tensorrt';

export interface FormCandidate {
  form: StorageForm;
  rawBytes?: number;
  gzipBytes?: number;
  /** Why the form was not possible or not allowed (absent when it was measured). */
  rejected?: string;
}

export interface PackedTensor {
  /** Value the consumers read (a weight, or the int8 input of a QDQ weight). */
  tensor: string;
  /** Layers (nodes) that read it. */
  layers: string[];
  elements: number;
  nonzeros: number;
  distinctValues: number;
  form: StorageForm;
  rawBytes: number;
  gzipBytes: number;
  /** Stored bits per element (raw bytes of the chosen form). */
  bitsPerWeight: number;
  reason: string;
  candidates: FormCandidate[];
}

export interface PackLayersData {
  target: PackTarget;
  objective: 'gzip' | 'raw';
  tensors: PackedTensor[];
  /** Opset of the packed file (raised to 21 when a 4-bit form was chosen). */
  opset: number;
  /** Largest |packed - unpacked| over the compared outputs in ONNX Runtime. */
  maxAbsDiff: number;
  /** Outputs equal bit for bit (expected when every chosen form is lossless). */
  identical: boolean;
  comparedSamples: number;
}

export interface WaterfallStage {
  /** fp32, pruned, shared, packed (only the stages the node was given). */
  stage: string;
  label: string;
  fileBytes: number;
  gzipBytes: number;
  /** fp32 raw file bytes divided by this stage's bytes. */
  rawRatio: number;
  gzipRatio: number;
  /** gzip bits per logical weight. */
  gzipBitsPerWeight: number;
  /** Top-1 on the connected dataset, when it has labels. */
  top1?: number;
}

export interface PackWaterfallData {
  params: number;
  stages: WaterfallStage[];
}
