// Boards, probes and profile results as zod schemas: the API contract, the device
// registry on disk and the renderer's panel all read these one definitions.
import { z } from 'zod';

export const RUNNER_KINDS = ['trtexec', 'perf-test', 'python-ort', 'node-ort'] as const;
export const RunnerKind = z.enum(RUNNER_KINDS);
export type RunnerKind = z.infer<typeof RunnerKind>;

export const RUNNER_LABELS: Record<RunnerKind, string> = {
  'trtexec': 'TensorRT trtexec',
  'perf-test': 'onnxruntime_perf_test',
  'python-ort': 'python3 + onnxruntime',
  'node-ort': 'node + onnxruntime-node',
};

/** How Whittle logs in. Secrets are never part of this object: they live in the keychain. */
export const DeviceAuth = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('agent') }),
  z.object({ kind: z.literal('key'), keyPath: z.string().min(1), hasPassphrase: z.boolean() }),
  z.object({ kind: z.literal('password') }),
]);
export type DeviceAuth = z.infer<typeof DeviceAuth>;

export const Device = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  transport: z.enum(['ssh', 'usb-net']),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  user: z.string().min(1),
  auth: DeviceAuth,
  /** SHA-256 host key fingerprint ("SHA256:base64"), pinned once the user accepted it. */
  hostKeySha256: z.string().optional(),
  /** Folder that holds (or is) onnxruntime-node on the board, for the node runner. */
  ortNodePath: z.string().optional(),
  /** Connect and silence timeout; a board quiet for longer is reported as gone. */
  timeoutMs: z.number().int().min(1000).max(600_000).default(15_000),
});
export type Device = z.infer<typeof Device>;

/** What the user types to add or edit a board; secrets travel once, to the keychain. */
export const DeviceInput = Device.omit({ id: true, hostKeySha256: true }).extend({
  password: z.string().optional(),
  passphrase: z.string().optional(),
});
export type DeviceInput = z.input<typeof DeviceInput>;

export const RunnerInfo = z.object({ kind: RunnerKind, path: z.string(), version: z.string() });
export type RunnerInfo = z.infer<typeof RunnerInfo>;

export const ProbeResult = z.object({
  os: z.string(),
  kernel: z.string(),
  arch: z.string(),
  cpuModel: z.string(),
  cpuCores: z.number().int(),
  memTotalBytes: z.number(),
  memAvailableBytes: z.number(),
  diskFreeBytes: z.number(),
  jetson: z.object({ model: z.string(), l4t: z.string().optional() }).optional(),
  runners: z.array(RunnerInfo),
  probedAt: z.string(),
});
export type ProbeResult = z.infer<typeof ProbeResult>;

/** One reading of the board while a profile runs; fields are absent where not reported. */
export const BoardSample = z.object({
  tMs: z.number(),
  ramUsedBytes: z.number().optional(),
  rssBytes: z.number().optional(),
  cpuPercent: z.number().optional(),
  gpuPercent: z.number().optional(),
  powerMw: z.number().optional(),
  tempC: z.number().optional(),
});
export type BoardSample = z.infer<typeof BoardSample>;

export const LatencyStats = z.object({
  mean: z.number(), p50: z.number(),
  // Older runners report only some percentiles (TensorRT 8.4: p99 alone).
  p90: z.number().optional(), p95: z.number().optional(), p99: z.number().optional(),
  min: z.number().optional(), max: z.number().optional(),
});
export type LatencyStats = z.infer<typeof LatencyStats>;

export const Precision = z.enum(['fp32', 'fp16', 'int8', 'best']);
export type Precision = z.infer<typeof Precision>;

export const ProfileResult = z.object({
  deviceId: z.string(),
  deviceName: z.string(),
  modelLabel: z.string(),
  modelSha256: z.string(),
  runner: RunnerKind,
  runnerVersion: z.string(),
  precision: Precision,
  sparsity: z.boolean(),
  warmupRuns: z.number().int(),
  runs: z.number().int(),
  /** ONNX Runtime intra-op threads the runner was given (0: its default); absent in older profiles and for trtexec (GPU). */
  threads: z.number().int().optional(),
  latencyMs: LatencyStats,
  /** Every timed run where the runner reports them (the node and python runners). */
  latenciesMs: z.array(z.number()).optional(),
  throughputPerSec: z.number(),
  peakMemoryBytes: z.number().optional(),
  avgPowerMw: z.number().optional(),
  energyPerInferenceMj: z.number().optional(),
  samples: z.array(BoardSample),
  startedAt: z.string(),
  durationMs: z.number(),
  warnings: z.array(z.string()),
});
export type ProfileResult = z.infer<typeof ProfileResult>;

export const ProfileRequest = z.object({
  deviceId: z.string(),
  modelPath: z.string().min(1),
  modelLabel: z.string().optional(),
  runner: z.union([RunnerKind, z.literal('auto')]).default('auto'),
  precision: Precision.default('fp32'),
  sparsity: z.boolean().default(false),
  warmupRuns: z.number().int().min(0).max(10_000).default(10),
  runs: z.number().int().min(1).max(100_000).default(100),
  /** ONNX Runtime intra-op threads on the board; the same default as host latency, so the two compare. */
  threads: z.number().int().min(0).max(256).default(1),
  /** The run whose model this is, to store the result with it. */
  runId: z.string().optional(),
});
export type ProfileRequest = z.input<typeof ProfileRequest>;

/** What a connection test says: ok, or a host key waiting for the user's decision, or a failure. */
export const ConnectionReport = z.object({
  ok: z.boolean(),
  /** Set when the presented key is not (yet) the pinned one. */
  hostKey: z.object({ sha256: z.string(), algorithm: z.string(), status: z.enum(['pinned', 'unknown', 'changed']) }).optional(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
  latencyMs: z.number().optional(),
});
export type ConnectionReport = z.infer<typeof ConnectionReport>;

export const UsbBoard = z.object({
  sysfsPath: z.string(),
  vendorId: z.string(),
  productId: z.string(),
  product: z.string(),
  serial: z.string().optional(),
  netInterface: z.string().optional(),
  suggestedHost: z.string(),
});
export type UsbBoard = z.infer<typeof UsbBoard>;

/** Progress of one profile job, streamed as the `devices.profile` event. */
export const ProfileJobEvent = z.object({
  jobId: z.string(),
  deviceId: z.string(),
  modelLabel: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  value: z.number(),
  max: z.number(),
  message: z.string(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional(), nodeId: z.string().optional() }).optional(),
  profileId: z.string().optional(),
});
export type ProfileJobEvent = z.infer<typeof ProfileJobEvent>;

export const StoredProfile = z.object({ id: z.string(), runId: z.string().optional(), result: ProfileResult });
export type StoredProfile = z.infer<typeof StoredProfile>;
