// One text frame from a browser-host socket -> the reply to send, or a reason to close.
// Total: any text gives an outcome, never a throw. A frame that is not a call message
// closes the socket (a well-behaved page never sends one); a call's failure is data.
import type { Envelope, SocketServerMessage } from '../../shared/api/client.ts';
import type { ApiService } from '../api/service.ts';

export interface CallMessage {
  id: number;
  name: string;
  request: unknown;
}

export interface SocketOutcome {
  /** The JSON text to send back, or null for nothing. */
  reply: string | null;
  /** Set when the socket should be closed (policy violation), with the reason. */
  close?: string;
}

/** What the off-thread handler did with a large frame. */
export type OffloadResult =
  | { kind: 'reply'; reply: string }
  | { kind: 'close'; reason: string }
  /** Not a call it answers (and small enough): the main thread handles it. */
  | { kind: 'inline' };

export interface MessageOffload {
  /** Frames at least this long go to `handle`; shorter ones are answered inline. */
  minChars: number;
  handle(text: string): Promise<OffloadResult>;
  close(): Promise<void>;
}

export const NOT_A_CALL = 'Not a Whittle API call message.';

/** The call in a parsed frame, or null when it is not one ({ type: 'call', id, name, request }). */
export function readCallMessage(msg: unknown): CallMessage | null {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return null;
  const m = msg as Record<string, unknown>;
  if (m.type !== 'call' || !Number.isSafeInteger(m.id) || typeof m.name !== 'string') return null;
  return { id: m.id as number, name: m.name, request: m.request };
}

export function parseCallText(text: string): CallMessage | null {
  try {
    return readCallMessage(JSON.parse(text));
  } catch {
    return null;
  }
}

/** The reply frame; a value JSON cannot carry becomes an error envelope instead of a throw. */
export function replyText(id: number, envelope: Envelope): string {
  try {
    return JSON.stringify({ type: 'result', id, envelope } satisfies SocketServerMessage);
  } catch (err) {
    const error = { code: 'api.reply-unserializable', message: `The answer could not be sent: ${err instanceof Error ? err.message : String(err)}.`, hint: 'This is a bug in Whittle; the host is still running.' };
    return JSON.stringify({ type: 'result', id, envelope: { ok: false, error } } satisfies SocketServerMessage);
  }
}

export async function handleSocketText(text: string, deps: { api: ApiService; offload: MessageOffload | null }): Promise<SocketOutcome> {
  if (deps.offload && text.length >= deps.offload.minChars) {
    const result = await deps.offload.handle(text);
    if (result.kind === 'reply') return { reply: result.reply };
    if (result.kind === 'close') return { reply: null, close: result.reason };
  }
  const call = parseCallText(text);
  if (!call) return { reply: null, close: NOT_A_CALL };
  const envelope = await deps.api.dispatch(call.name, call.request);
  return { reply: replyText(call.id, envelope) };
}
