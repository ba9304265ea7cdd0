// One text frame from a browser-host socket -> the reply to send, or a reason to close.
// Total: any bytes give an outcome, never a throw. A frame that is not a call message
// closes the socket (a well-behaved page never sends one); a call's failure is data.
import type { Envelope, SocketServerMessage } from '../../shared/api/client.ts';
import type { ApiService } from '../api/service.ts';

export interface CallMessage {
  id: number;
  name: string;
  request: unknown;
}

export interface SocketOutcome {
  /** The JSON to send back (text, or its UTF-8 bytes from the worker), or null for nothing. */
  reply: string | Uint8Array | null;
  /** Set when the socket should be closed (policy violation), with the reason. */
  close?: string;
}

/** What the off-thread handler did with a large frame. */
export type OffloadResult =
  /** The reply's UTF-8 bytes: sent as they are, so the main thread never re-encodes a large answer. */
  | { kind: 'reply'; reply: Uint8Array }
  | { kind: 'close'; reason: string }
  /** Not a call it answers (and small enough): the main thread handles it. */
  | { kind: 'inline' };

export interface MessageOffload {
  /** Frames at least this long go to `handle`; shorter ones are answered inline. */
  minChars: number;
  /** The frame's bytes go as they are: the worker decodes them, not the main thread. */
  handle(frame: Uint8Array): Promise<OffloadResult>;
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

export async function handleSocketFrame(frame: Buffer, deps: { api: ApiService; offload: MessageOffload | null }): Promise<SocketOutcome> {
  if (deps.offload && frame.length >= deps.offload.minChars) {
    const result = await deps.offload.handle(frame);
    if (result.kind === 'reply') return { reply: result.reply };
    if (result.kind === 'close') return { reply: null, close: result.reason };
  }
  const call = parseCallText(frame.toString('utf8'));
  if (!call) return { reply: null, close: NOT_A_CALL };
  const envelope = await deps.api.dispatch(call.name, call.request);
  return { reply: replyText(call.id, envelope) };
}
