// Typed access to a node's connected inputs, with the clear error when one is missing.
import type { DatasetValue, ModelValue, PortValue } from '../../../shared/catalog/types.ts';
import { WhittleError } from '../../../shared/errors.ts';
import type { NodeContext } from '../handler.ts';

function wrongType(ctx: NodeContext, port: string, want: string, got: PortValue): WhittleError {
  return new WhittleError('node.bad-input', `The '${port}' input got a ${got.type}, not a ${want}.`, 'Reconnect it to a matching output.', ctx.nodeId);
}

export function modelInput(ctx: NodeContext, port: string): ModelValue;
export function modelInput(ctx: NodeContext, port: string, optional: true): ModelValue | undefined;
export function modelInput(ctx: NodeContext, port: string, optional = false): ModelValue | undefined {
  const v = ctx.inputs[port];
  if (!v) {
    if (optional) return undefined;
    throw new WhittleError('node.missing-input', `The '${port}' input is not connected.`, 'Connect a model to it.', ctx.nodeId);
  }
  if (v.type !== 'model') throw wrongType(ctx, port, 'model', v);
  return v;
}

export function datasetInput(ctx: NodeContext, port: string): DatasetValue {
  const v = ctx.inputs[port];
  if (!v) throw new WhittleError('node.missing-input', `The '${port}' input is not connected.`, 'Connect a dataset node (MNIST, image folder, tensors or synthetic) to it.', ctx.nodeId);
  if (v.type !== 'dataset') throw wrongType(ctx, port, 'dataset', v);
  return v;
}
