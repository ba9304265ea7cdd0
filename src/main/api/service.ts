// One Whittle API instance: the context (services, data folders, door abilities) and
// `dispatch`, which every door calls with a call name and a raw request. It checks the
// name, parses the request with the contract's schema, runs the implementation, and
// returns an Envelope — failures as ErrorData, never a stack trace.
import { join, parse } from 'node:path';
import { CALLS, isCallName, type CallName, type CallRequest, type CallResponse, type EventName, type EventPayload } from '../../shared/api/contract.ts';
import type { Envelope } from '../../shared/api/client.ts';
import { CATALOG } from '../../shared/catalog/index.ts';
import type { NodeKindSpec } from '../../shared/catalog/types.ts';
import { toErrorData, WhittleError } from '../../shared/errors.ts';
import { EngineRunner } from '../engine/runner.ts';
import type { EngineSpawner } from '../engine/spawn.ts';
import { dataPaths } from '../store/home.ts';
import { RunHistory } from '../store/runs.ts';
import { FileAccess, type AccessRoot } from '../access/guard.ts';
import { unsavedExportsDir } from '../access/outputs.ts';
import type { ApiContext, Dialogs } from './context.ts';
import { IMPLEMENTATIONS } from './handlers.ts';
import { STARTUP_EXAMPLE, defaultResourcesDir, onnxruntimeVersion, whittleVersion } from './version.ts';

export interface ApiServiceOptions {
  door: ApiContext['door'];
  /** Data folder (run history, cache, autosave); default WHITTLE_HOME or ~/.whittle. */
  home?: string;
  resourcesDir?: string;
  dialogs?: Dialogs;
  workspace?: string | null;
  /**
   * Folders (or files) the file-touching calls may read and write; the resources folder is
   * always added read-only. Absent: the whole file system (in-process tools and tests).
   */
  fileScope?: string[];
  /** Extra roots with their own write permission (e.g. --allow-path read roots). */
  roots?: AccessRoot[];
  /** How a user widens the roots at this door, shown with every refusal. */
  widenHint?: string;
  startupDocument?: string | null;
  spawner?: EngineSpawner;
  /** Extra node kinds and the modules with their handlers (tests, plugins). */
  extraKinds?: NodeKindSpec[];
  handlerModules?: string[];
  cancelGraceMs?: number;
  /** Keep an engine process started ahead (long-lived doors: app, browser host). */
  warmSpare?: boolean;
  /** Start it this long after the service (see RunnerOptions.warmSpareAfterMs). */
  warmSpareAfterMs?: number;
}

export interface ApiService {
  ctx: ApiContext;
  dispatch(name: string, request: unknown): Promise<Envelope>;
  /** Typed direct call for in-process doors (CLI, tests); throws WhittleError. */
  call<N extends CallName>(name: N, request: CallRequest<N>): Promise<CallResponse<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Stop background processes (the idle engine); running runs go on. */
  dispose(): void;
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || 'request'}: ${i.message}`).join('; ');
}

export function createApiService(options: ApiServiceOptions): ApiService {
  const paths = dataPaths(options.home);
  const catalog = [...CATALOG, ...(options.extraKinds ?? [])];
  const history = new RunHistory(paths.runs);
  const version = whittleVersion();
  const runner = new EngineRunner({
    catalog, history, cacheDir: paths.cache, whittleVersion: version, onnxruntimeVersion: onnxruntimeVersion(),
    ...(options.spawner ? { spawner: options.spawner } : {}),
    handlerModules: options.handlerModules ?? [],
    defaultDir: options.workspace ?? process.cwd(),
    ...(options.cancelGraceMs !== undefined ? { cancelGraceMs: options.cancelGraceMs } : {}),
    warmSpare: options.warmSpare ?? false,
    ...(options.warmSpareAfterMs !== undefined ? { warmSpareAfterMs: options.warmSpareAfterMs } : {}),
    // BullMQ loads only for runs that ask for a queue.
    remote: async (url, plan) => (await import('../scale/queue-coordinator.ts')).connectQueue(url, plan),
  });
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const emit = (event: string, payload: unknown) => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  runner.subscribe((e) => emit('run.event', e));
  const resourcesDir = options.resourcesDir ?? defaultResourcesDir();
  const writable = options.fileScope ?? (options.roots ? [] : [parse(process.cwd()).root]);
  const access = new FileAccess({
    // Whittle's own places: bundled examples and models (read-only), and the user's exports
    // folder, where runs of unsaved documents write (src/main/access/outputs.ts).
    roots: [
      ...writable.map((path) => ({ path, writable: true })), ...(options.roots ?? []),
      { path: resourcesDir, writable: false }, { path: unsavedExportsDir(), writable: true },
    ],
    widenHint: options.widenHint ?? 'Choose a file inside the folders listed.',
  });
  const ctx: ApiContext = {
    access,
    door: options.door, whittleVersion: version, catalog, runner, history, paths, resourcesDir,
    workspace: options.workspace ?? null,
    startupDocument: options.startupDocument === undefined ? join(resourcesDir, 'examples', `${STARTUP_EXAMPLE}.json`) : options.startupDocument,
    emit: (event, payload) => emit(event, payload),
    ...(options.dialogs ? { dialogs: options.dialogs } : {}),
  };

  async function dispatch(name: string, request: unknown): Promise<Envelope> {
    if (!isCallName(name)) {
      return { ok: false, error: { code: 'api.unknown-call', message: `There is no API call "${name}".`, hint: 'This window and Whittle may be different versions; reload the window.' } };
    }
    const parsed = CALLS[name].request.safeParse(request ?? {});
    if (!parsed.success) {
      return { ok: false, error: { code: 'api.bad-request', message: `The request for ${name} is malformed: ${describeIssues(parsed.error.issues)}.`, hint: 'This is a bug in the caller; reload the window.' } };
    }
    try {
      const impl = IMPLEMENTATIONS[name] as (req: unknown, c: ApiContext) => Promise<unknown>;
      return { ok: true, value: await impl(parsed.data, ctx) };
    } catch (err) {
      return { ok: false, error: toErrorData(err) };
    }
  }

  return {
    ctx,
    dispatch,
    async call(name, request) {
      const envelope = await dispatch(name, request);
      if (!envelope.ok) throw WhittleError.fromData(envelope.error);
      return envelope.value as never;
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    dispose() {
      runner.dispose();
    },
  };
}
