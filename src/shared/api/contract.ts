// Every call and event of Whittle's API, declared once: name -> request and response
// schemas. The Electron door, the browser host and the CLI all serve these entries.
// To add a call: one entry in CALLS (and its implementation in src/main/api/handlers.ts).
// To add an event: one entry in EVENTS.
import { z } from 'zod';
import { PipelineDocumentSchema, ProblemSchema } from '../pipeline/document.ts';
import { NodeKindSpecSchema, RunEventSchema, RunRecordSchema, RunSummarySchema } from './run.ts';
import { WorkersListSchema } from './workers.ts';
import { ConnectionReport, Device, DeviceInput, ProbeResult, ProfileJobEvent, ProfileRequest, StoredProfile, UsbBoard } from '../devices/schema.ts';
import { DatasetPreviewRequestSchema, DatasetPreviewSchema, ModelFileRequestSchema, ModelFileViewSchema, ModelGraphSchema, ModelInspectionSchema, ModelRefSchema } from './models.ts';

export { ErrorDataSchema, RunEventSchema, RunRecordSchema, RunSummarySchema } from './run.ts';

/** A call's request and response schemas. */
export interface CallSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  request: Req;
  response: Res;
  /** One sentence for docs and `whittle --help`-like listings. */
  help: string;
}
function call<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res, help: string): CallSpec<Req, Res> {
  return { request, response, help };
}

const Empty = z.object({});
/** A path chosen in a dialog comes back absolute; `canceled` when the user closed it. */
const Canceled = z.object({ canceled: z.literal(true) });
const OpenedDocument = z.object({
  canceled: z.literal(false),
  /** Absolute path of the file. */
  path: z.string(),
  /** Null when the file could not be turned into a document; see `problems`. */
  document: PipelineDocumentSchema.nullable(),
  problems: z.array(ProblemSchema),
  /** The version the file was written in, when it was migrated forward on open. */
  migratedFrom: z.number().optional(),
});
const FileEntry = z.object({ name: z.string(), path: z.string(), kind: z.enum(['file', 'dir']), sizeBytes: z.number() });
const ExampleInfo = z.object({ id: z.string(), name: z.string(), description: z.string().optional(), path: z.string() });
/** Paths the user chose explicitly (dialog, typed into a picker, CLI argument) in this session. */
const AllowedPaths = z.array(z.string()).optional();

export const CALLS = {
  'app.info': call(Empty, z.object({
    whittleVersion: z.string(),
    onnxruntimeVersion: z.string(),
    door: z.enum(['electron', 'browser', 'cli']),
    /** Native dialogs exist (Electron); elsewhere use files.list. */
    nativeDialogs: z.boolean(),
    /** Root of files.list (browser host); null in Electron. */
    workspace: z.string().nullable(),
    /** The document to show on start (the bundled example unless told otherwise). */
    startupDocument: z.string().nullable(),
  }), 'What this door is and can do.'),

  'catalog.list': call(Empty, z.object({ kinds: z.array(NodeKindSpecSchema) }), 'Every node kind: ports, params with defaults, bounds and help.'),

  'pipeline.parse': call(
    z.object({ text: z.string(), documentPath: z.string().nullable().optional() }),
    z.object({ document: PipelineDocumentSchema.nullable(), problems: z.array(ProblemSchema), migratedFrom: z.number().optional() }),
    'Text -> document (migrated forward), or every problem that prevents it.'),
  'pipeline.validate': call(
    z.object({ document: z.unknown(), documentPath: z.string().nullable().optional(), allowedPaths: AllowedPaths }),
    z.object({ ok: z.boolean(), problems: z.array(ProblemSchema) }),
    'Every problem of a document at once, each with its node id.'),
  'pipeline.serialize': call(
    z.object({
      document: PipelineDocumentSchema,
      /** With `documentPath`, the text is portable: paths rewritten relative to `toPath`'s folder, or absolute when it is unknown (a download). */
      documentPath: z.string().nullable().optional(),
      toPath: z.string().optional(),
    }),
    z.object({ text: z.string() }),
    'Stable text of a document: the same document always gives the same bytes.'),

  'documents.open': call(
    z.object({ path: z.string().optional() }),
    z.union([Canceled, OpenedDocument]),
    'Open a pipeline file by path (Electron: a dialog when no path is given).'),
  'documents.save': call(
    z.object({ path: z.string(), document: PipelineDocumentSchema, fromPath: z.string().nullable().optional() }),
    z.object({ path: z.string(), sizeBytes: z.number(), text: z.string() }),
    'Write a document atomically; paths are stored relative to its folder (rebased from `fromPath`).'),
  'documents.saveAs': call(
    z.object({ document: PipelineDocumentSchema, path: z.string().optional(), fromPath: z.string().nullable().optional() }),
    z.union([Canceled, z.object({ canceled: z.literal(false), path: z.string(), sizeBytes: z.number(), text: z.string() })]),
    'Save under a new path (Electron: a dialog when no path is given).'),
  'files.list': call(
    z.object({ dir: z.string().optional(), extensions: z.array(z.string()).optional() }),
    z.object({ root: z.string(), dir: z.string(), parent: z.string().nullable(), entries: z.array(FileEntry), roots: z.array(z.string()).optional() }),
    'List a folder inside the roots (browser host file browser): `root` is the root holding `dir`, `roots` every root.'),
  'files.upload': call(
    z.object({
      name: z.string().min(1).max(255),
      uploadId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
      offsetBytes: z.number().int().nonnegative(),
      totalBytes: z.number().int().nonnegative(),
      dataBase64: z.string(),
    }),
    z.object({ path: z.string(), receivedBytes: z.number(), done: z.boolean() }),
    'Upload a file dropped on the browser window, in chunks, into Whittle/models in the workspace; `path` is final when `done`.'),
  'files.pick': call(
    z.object({
      mode: z.enum(['open-file', 'open-folder', 'save-file']),
      extensions: z.array(z.string()).optional(),
      documentPath: z.string().nullable().optional(),
      defaultPath: z.string().optional(),
    }),
    z.union([Canceled, z.object({ canceled: z.literal(false), path: z.string(), value: z.string() })]),
    'Native file dialog (Electron only). `value` is what to store in the param: relative to the document when it has a folder.'),

  'examples.list': call(Empty, z.object({ examples: z.array(ExampleInfo) }), 'Bundled example pipelines.'),
  'examples.get': call(
    z.object({ id: z.string() }),
    z.object({ example: ExampleInfo, document: PipelineDocumentSchema, text: z.string() }),
    'One bundled example; its `path` is the document path that relative paths resolve against.'),

  'autosave.write': call(
    z.object({ document: PipelineDocumentSchema, documentPath: z.string().nullable(), dirty: z.boolean() }),
    z.object({ savedAtMs: z.number() }),
    'Keep the open document for crash recovery.'),
  'autosave.read': call(Empty, z.object({
    entry: z.object({ document: PipelineDocumentSchema, documentPath: z.string().nullable(), dirty: z.boolean(), savedAtMs: z.number() }).nullable(),
  }), 'The autosaved document, if any (after a crash).'),
  'autosave.clear': call(Empty, z.object({}), 'Forget the autosaved document (after a clean save or close).'),

  'runs.start': call(
    z.object({
      document: PipelineDocumentSchema,
      documentPath: z.string().nullable().optional(),
      allowedPaths: AllowedPaths,
      /** Where export nodes write relative paths (default: the document folder). */
      outDir: z.string().optional(),
      /** Engine processes at once and ORT threads per node, over the machine's defaults (DESIGN.md §10). */
      poolSize: z.number().int().min(1).max(64).optional(),
      threads: z.number().int().min(1).max(256).optional(),
      /** redis://HOST:PORT: nodes that need nothing of this machine run on the queue's `whittle worker`s. */
      queue: z.string().optional(),
    }),
    z.object({ runId: z.string() }),
    'Validate and start a run; progress arrives as run.event events.'),
  'workers.list': call(z.object({ queue: z.string() }), WorkersListSchema, 'The workers of a queue, from their heartbeats: host, cores, running nodes, jobs done, failures.'),
  'runs.cancel': call(z.object({ runId: z.string() }), z.object({ cancelled: z.boolean() }), 'Cancel a running run.'),
  'runs.list': call(
    z.object({ limit: z.number().int().positive().optional(), documentPath: z.string().optional() }),
    z.object({ runs: z.array(RunSummarySchema) }),
    'Run history, newest first; with `documentPath`, only the runs of that document.'),
  'runs.update': call(
    z.object({ runId: z.string(), name: z.string().optional(), tags: z.array(z.string()).optional(), note: z.string().optional() }),
    z.object({ run: RunSummarySchema }),
    'Rename a run, set its tags or its note (kept in the run history).'),
  'runs.delete': call(z.object({ runId: z.string() }), z.object({}), 'Delete a finished run from the history (cached node results stay for other runs).'),
  'runs.get': call(z.object({ runId: z.string() }), z.object({ run: RunRecordSchema }), 'One run record: per-node status, metrics, timings, artifacts.'),

  'models.inspect': call(ModelRefSchema, ModelInspectionSchema, 'Statistics of a model a run produced: size, gzip size, parameters, non-zeros, MACs, ops, and per layer.'),
  'models.graph': call(ModelRefSchema, ModelGraphSchema, 'The graph of a model a run produced: operators, activations between them and their shapes (for the model view).'),
  'models.view': call(ModelFileRequestSchema, ModelFileViewSchema, 'Open an .onnx file for viewing only (graph and statistics), through the file guard; Electron shows a dialog when no path is given.'),
  'datasets.preview': call(DatasetPreviewRequestSchema, DatasetPreviewSchema, 'Thumbnails (PNG data URLs) of the first samples of a dataset node, from its params.'),

  // ---- devices (boards over SSH / USB network; secrets never cross as data) ----
  'devices.list': call(Empty, z.object({
    devices: z.array(Device),
    probes: z.record(z.string(), ProbeResult),
    /** Passwords and passphrases can be stored (desktop app with an OS keychain). */
    keychain: z.boolean(),
  }), 'Every board, its last probe, and whether secrets can be stored here.'),
  'devices.add': call(DeviceInput, z.object({ device: Device }), 'Add a board; a password or passphrase goes to the keychain, never to disk in clear.'),
  'devices.update': call(z.object({ id: z.string(), device: DeviceInput }), z.object({ device: Device }), 'Edit a board (changing host or port forgets its pinned host key).'),
  'devices.remove': call(z.object({ id: z.string() }), z.object({}), 'Remove a board and its stored secrets.'),
  'devices.test': call(z.object({ id: z.string() }), ConnectionReport, 'Connect and log in: ok, a host key to review, or a clear failure (DNS, refused, timeout, auth, key changed).'),
  'devices.acceptHostKey': call(z.object({ id: z.string(), sha256: z.string() }), z.object({ device: Device }), 'Pin (or re-pin after review) the host key fingerprint the user accepted.'),
  'devices.probe': call(z.object({ id: z.string() }), z.object({ probe: ProbeResult }), 'OS, CPU, memory, disk, Jetson model and L4T, and the runners a board has.'),
  'devices.usb': call(Empty, z.object({ boards: z.array(UsbBoard) }), 'Jetson boards in USB device mode attached to this computer.'),
  'devices.profile': call(
    ProfileRequest.extend({
      modelPath: z.string().optional(),
      /** A model a run produced: run id + node id (+ port); used instead of modelPath. */
      nodeId: z.string().optional(),
      port: z.string().optional(),
    }),
    z.object({ jobId: z.string() }),
    'Profile a model on a board; progress arrives as devices.profile events.'),
  'devices.cancelProfile': call(z.object({ jobId: z.string() }), z.object({ cancelled: z.boolean() }), 'Cancel a profile; the runner on the board is stopped too.'),
  'devices.profiles': call(
    z.object({ deviceId: z.string().optional(), runId: z.string().optional() }),
    z.object({ profiles: z.array(StoredProfile) }),
    'Stored profile results, oldest first.'),
  'devices.deleteProfile': call(z.object({ id: z.string() }), z.object({}), 'Forget one stored profile result.'),
} satisfies Record<string, CallSpec>;

/** Menu commands the Electron app sends to the editor (which owns undo, save, run...). */
export const MenuCommandSchema = z.object({
  command: z.enum(['new', 'open', 'save', 'saveAs', 'import', 'export', 'undo', 'redo', 'duplicate', 'delete', 'selectAll', 'run', 'cancel', 'examples', 'runs', 'openModel']),
});

export const EVENTS = {
  /** Every state change of every run, in order. */
  'run.event': RunEventSchema,
  /** A menu item or its shortcut was used (Electron only). */
  'app.menu': MenuCommandSchema,
  /** Progress, result or failure of a device profile job. */
  'devices.profile': ProfileJobEvent,
} satisfies Record<string, z.ZodType>;

export type Calls = typeof CALLS;
export type CallName = keyof Calls;
export type CallRequest<N extends CallName> = z.input<Calls[N]['request']>;
export type CallResponse<N extends CallName> = z.output<Calls[N]['response']>;
export type EventName = keyof typeof EVENTS;
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>;

export const CALL_NAMES = Object.keys(CALLS) as CallName[];
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(CALLS, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(EVENTS, name);
}
