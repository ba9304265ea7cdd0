// What the prune, share and sensitivity handlers share: read the incoming model, write the
// outgoing one into the node's workDir as a ModelValue, and turn layer skips into warnings.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeContext } from '../../engine/handler.ts';
import type { ModelValue } from '../../../shared/catalog/types.ts';
import { WhittleError } from '../../../shared/errors.ts';
import type { Model } from '../../onnx/model.ts';
import { loadModelFile, saveModelFile } from '../../onnx/file.ts';
import type { LayerSkip } from './layers.ts';

export function inputModel(ctx: NodeContext, kindTitle: string): { model: Model; value: ModelValue } {
  const value = ctx.inputs.model;
  if (!value || value.type !== 'model') {
    throw new WhittleError('node.no-model', `The ${kindTitle} node has no model.`, 'Connect a model output to its "Model" input.', ctx.nodeId);
  }
  return { model: loadModelFile(value.path), value };
}

export function outputModel(ctx: NodeContext, model: Model, label: string): { value: ModelValue; bytes: Uint8Array } {
  const path = join(ctx.workDir, 'model.onnx');
  // Huge models go to external data, so hash what was written rather than the encoding.
  saveModelFile(model, path);
  const written = readFileSync(path);
  const sha256 = createHash('sha256').update(written).digest('hex');
  const bytes = new Uint8Array(written.buffer, written.byteOffset, written.length);
  return { value: { type: 'model', path, sha256, sizeBytes: written.length, label }, bytes };
}

export function skipWarnings(skipped: LayerSkip[]): string[] {
  return skipped.map((s) => `Layer ${s.layer} left intact: ${s.reason}.`);
}

/** Params arrive validated, but a hand-made context may omit some: read with a fallback. */
export function param(ctx: NodeContext, name: string, fallback: string): string;
export function param(ctx: NodeContext, name: string, fallback: number): number;
export function param(ctx: NodeContext, name: string, fallback: boolean): boolean;
export function param<T extends string[] | Record<string, number>>(ctx: NodeContext, name: string, fallback: T): T;
export function param(ctx: NodeContext, name: string, fallback: unknown): unknown {
  const v = ctx.params[name];
  return v === undefined ? fallback : v;
}
