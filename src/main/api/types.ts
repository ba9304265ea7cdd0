// The shape of one call's implementation: the parsed request and the context in, the
// response out (or a thrown WhittleError, which crosses the door as data).
import type { z } from 'zod';
import type { CallName, CallResponse, Calls } from '../../shared/api/contract.ts';
import type { ApiContext } from './context.ts';

export type CallImpl<N extends CallName> = (request: z.output<Calls[N]['request']>, ctx: ApiContext) => Promise<CallResponse<N>>;
export type Implementations = { [N in CallName]: CallImpl<N> };
