// One error type for the whole product: a stable code, a sentence a user understands,
// a hint about what to do, and the pipeline node it belongs to when there is one.
// Errors cross every door (IPC, WebSocket, CLI --json) as `ErrorData`, never as a stack.

export interface ErrorData {
  code: string;
  message: string;
  hint?: string;
  nodeId?: string;
}

export class WhittleError extends Error {
  readonly code: string;
  readonly hint?: string;
  nodeId?: string;

  constructor(code: string, message: string, hint?: string, nodeId?: string) {
    super(message);
    this.name = 'WhittleError';
    this.code = code;
    this.hint = hint;
    this.nodeId = nodeId;
  }

  toData(): ErrorData {
    const data: ErrorData = { code: this.code, message: this.message };
    if (this.hint) data.hint = this.hint;
    if (this.nodeId) data.nodeId = this.nodeId;
    return data;
  }

  static fromData(data: ErrorData): WhittleError {
    return new WhittleError(data.code, data.message, data.hint, data.nodeId);
  }
}

/** Any thrown value as ErrorData: WhittleErrors keep their code; anything else is 'internal'. */
export function toErrorData(err: unknown, nodeId?: string): ErrorData {
  if (err instanceof WhittleError) {
    const data = err.toData();
    if (nodeId && !data.nodeId) data.nodeId = nodeId;
    return data;
  }
  const message = err instanceof Error ? err.message : String(err);
  const data: ErrorData = { code: 'internal', message: message || 'An unexpected error occurred.', hint: 'This is a bug in Whittle; please report it with the run record.' };
  if (nodeId) data.nodeId = nodeId;
  return data;
}

export function isWhittleError(err: unknown, code?: string): err is WhittleError {
  return err instanceof WhittleError && (code === undefined || err.code === code);
}
