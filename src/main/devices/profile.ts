// A profile, end to end: connect (pinned key only), probe, choose a runner, upload the
// model into a fresh temp folder, run it while sampling the board, parse one ProfileResult,
// and clean up. Cancel, silence and a lost connection all end with the board's processes
// stopped (the remote scripts kill their runner when our channel closes).
import { join } from 'node:path';
import type { ClientChannel } from 'ssh2';
import { WhittleError } from '../../shared/errors.ts';
import type { BoardSample, Device, Precision, ProbeResult, ProfileResult, RunnerKind } from '../../shared/devices/schema.ts';
import { connectBoard, type BoardConnection, type DeviceSecrets } from './ssh.ts';
import { probeBoard } from './probe.ts';
import { chooseRunner, parseRunnerOutput, RUNNER_SCRIPTS, runnerArgv, type RunnerFigures } from './runners.ts';
import { PROFILE_SCRIPT, remoteSh, TEMP_DIR_SCRIPT } from './remoteScripts.ts';
import { parseProcSamples } from './parsers/procSample.ts';
import { parseTegrastatsLine } from './parsers/tegrastats.ts';

export interface ProfileJob {
  device: Device;
  secrets: DeviceSecrets;
  modelPath: string;
  modelLabel: string;
  modelSha256: string;
  runner: RunnerKind | 'auto';
  precision: Precision;
  sparsity: boolean;
  warmupRuns: number;
  runs: number;
  /** ONNX Runtime intra-op threads for the onnxruntime runners; default 1, as host latency. */
  threads?: number;
  /** Local folder holding the board-side runner scripts (resources/runners). */
  runnersDir: string;
  /** Hard limit for the runner on the board, in seconds (coreutils `timeout`). */
  hardLimitSec?: number;
  signal?: AbortSignal;
  onProgress?: (value: number, max: number, message: string) => void;
  onLog?: (message: string) => void;
  /** Told the board's temp folder as soon as it exists (tests check it is gone afterwards). */
  onRemoteDir?: (dir: string) => void;
  lookup?: (host: string) => Promise<string>;
}

/** Splits a stream into lines as they arrive. */
function onLines(stream: NodeJS.ReadableStream, handle: (line: string) => void): void {
  let rest = '';
  stream.on('data', (d: Buffer) => {
    rest += d.toString('utf8');
    let i: number;
    while ((i = rest.indexOf('\n')) >= 0) {
      handle(rest.slice(0, i));
      rest = rest.slice(i + 1);
    }
  });
  stream.on('end', () => { if (rest) handle(rest); rest = ''; });
}

/** Opens the folder-holding channel and returns the folder it made. */
async function openTempDir(conn: BoardConnection): Promise<{ dir: string; release: () => Promise<void> }> {
  const channel = await conn.channel(remoteSh(TEMP_DIR_SCRIPT));
  let cleaned = false;
  const closed = new Promise<void>((resolve) => channel.on('close', () => resolve()));
  const dir = await new Promise<string>((resolve, reject) => {
    const offLost = conn.onLost(reject);
    onLines(channel, (line) => {
      if (line.startsWith('/')) { offLost(); resolve(line.trim()); }
      if (line.trim() === 'WHITTLE_CLEANED') cleaned = true;
    });
    channel.on('close', () => { offLost(); reject(new WhittleError('device.tempdir', `${conn.device.name} could not make a temp folder (mktemp -d).`, 'Check free space and permissions of /tmp on the board.')); });
  });
  const release = async () => {
    channel.end();
    // Wait for the board to confirm, but never longer than the device timeout.
    await Promise.race([closed, new Promise((r) => setTimeout(r, conn.device.timeoutMs))]);
    if (!cleaned) throw new WhittleError('device.cleanup', `Whittle could not confirm that ${dir} was removed from ${conn.device.name}.`, 'Remove the folder by hand if the board is still reachable.');
  };
  return { dir, release };
}

interface RunOutput { exitCode: number; runnerStdout: string; stderrTail: string; samples: BoardSample[] }

/** Runs the profile script; resolves on exit, rejects on cancel, silence or a lost connection. */
function runProfileChannel(conn: BoardConnection, channel: ClientChannel, job: ProfileJob, runs: number): Promise<RunOutput> {
  const t0 = Date.now();
  const samples: BoardSample[] = [];
  const runnerOut: string[] = [];
  const stderrLines: string[] = [];
  let inRunnerOut = false;
  let exitCode = -1;
  let procLines: string[] = [];
  const closed = new Promise<void>((resolve) => channel.on('close', () => resolve()));
  return new Promise<RunOutput>((resolve, reject) => {
    let done = false;
    let silence: NodeJS.Timeout | undefined;
    const finish = (err?: WhittleError) => {
      if (done) return;
      done = true;
      clearTimeout(silence);
      offLost();
      job.signal?.removeEventListener('abort', onAbort);
      if (err) {
        // Closing stdin makes the board-side watcher kill the runner's process group; the
        // channel closes once every process of the script is gone (see PROFILE_SCRIPT), so
        // wait for that, bounded by the device timeout for a board that no longer answers.
        channel.end();
        void Promise.race([closed, new Promise((r) => setTimeout(r, conn.device.timeoutMs))]).then(() => reject(err));
      } else {
        resolve({ exitCode, runnerStdout: runnerOut.join('\n'), stderrTail: stderrLines.slice(-20).join('\n'), samples });
      }
    };
    const arm = () => {
      clearTimeout(silence);
      silence = setTimeout(() => {
        finish(new WhittleError('device.timeout', `${conn.device.name} stopped answering for ${Math.round(conn.device.timeoutMs / 1000)} s during the profile.`, 'Check the board is on and reachable. Whittle\'s processes on the board stop by themselves when the connection is gone.'));
        conn.client.end();
      }, conn.device.timeoutMs);
    };
    const onAbort = () => finish(new WhittleError('cancelled', 'The profile was cancelled; the runner on the board was stopped.'));
    const offLost = conn.onLost((err) => finish(err));
    job.signal?.addEventListener('abort', onAbort, { once: true });
    arm();
    onLines(channel, (line) => {
      arm();
      if (line === 'WHITTLE_OUT_BEGIN') { inRunnerOut = true; return; }
      if (line === 'WHITTLE_OUT_END') { inRunnerOut = false; return; }
      if (inRunnerOut) { runnerOut.push(line); return; }
      const exit = /^WHITTLE_EXIT (\d+)/.exec(line);
      if (exit) { exitCode = Number(exit[1]); return; }
      if (line.startsWith('S ')) {
        procLines.push(line);
        // Parse with the previous reading so CPU load has a delta.
        const parsed = parseProcSamples(procLines.join('\n'));
        procLines = procLines.slice(-1);
        const s = parsed[parsed.length - 1];
        if (s) samples.push({ tMs: Date.now() - t0, ramUsedBytes: s.ramUsedBytes, rssBytes: s.rssBytes, cpuPercent: s.cpuPercent });
        return;
      }
      const teg = parseTegrastatsLine(line);
      if (teg) {
        samples.push({
          tMs: Date.now() - t0,
          ramUsedBytes: teg.ramUsedMb !== undefined ? teg.ramUsedMb * 1024 * 1024 : undefined,
          cpuPercent: teg.cpuPercent, gpuPercent: teg.gpuPercent, powerMw: teg.totalPowerMw, tempC: teg.maxTempC,
        });
      }
    });
    onLines(channel.stderr, (line) => {
      arm();
      const p = /^WHITTLE_PROGRESS (\d+) (\d+)/.exec(line);
      if (p) { job.onProgress?.(Number(p[1]), Number(p[2]) || runs, `Run ${p[1]} of ${p[2]}`); return; }
      stderrLines.push(line);
    });
    channel.on('close', () => finish());
  });
}

function summarizeSamples(samples: BoardSample[]): { peakRssBytes?: number; avgPowerMw?: number } {
  const rss = samples.map((s) => s.rssBytes).filter((v): v is number => v !== undefined);
  const power = samples.map((s) => s.powerMw).filter((v): v is number => v !== undefined);
  return {
    peakRssBytes: rss.length ? Math.max(...rss) : undefined,
    avgPowerMw: power.length ? power.reduce((a, b) => a + b, 0) / power.length : undefined,
  };
}

/** Runner figures + board samples -> the one ProfileResult (peak memory, power, energy). */
function assembleResult(job: ProfileJob, runner: RunnerKind, probedVersion: string, figures: RunnerFigures, samples: BoardSample[], warnings: string[], startedAt: Date): ProfileResult {
  const { peakRssBytes, avgPowerMw } = summarizeSamples(samples);
  const peaks = [figures.peakMemoryBytes, peakRssBytes].filter((v): v is number => v !== undefined);
  return {
    deviceId: job.device.id,
    deviceName: job.device.name,
    modelLabel: job.modelLabel,
    modelSha256: job.modelSha256,
    runner,
    runnerVersion: figures.version ?? probedVersion,
    precision: job.precision,
    sparsity: job.sparsity,
    warmupRuns: job.warmupRuns,
    runs: job.runs,
    // TensorRT runs on the GPU: a CPU thread count would say nothing.
    ...(runner === 'trtexec' ? {} : { threads: job.threads ?? 1 }),
    latencyMs: figures.latencyMs,
    latenciesMs: figures.latenciesMs,
    throughputPerSec: figures.throughputPerSec,
    peakMemoryBytes: peaks.length ? Math.max(...peaks) : undefined,
    avgPowerMw,
    // mW divided by inferences per second is millijoules per inference.
    energyPerInferenceMj: avgPowerMw !== undefined ? avgPowerMw / figures.throughputPerSec : undefined,
    samples,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    warnings,
  };
}

export async function profileOnBoard(job: ProfileJob, probe?: ProbeResult): Promise<ProfileResult> {
  const { device } = job;
  const startedAt = new Date();
  const log = job.onLog ?? (() => {});
  job.onProgress?.(0, job.runs, `Connecting to ${device.name}`);
  const conn = await connectBoard({ device, secrets: job.secrets, lookup: job.lookup });
  try {
    const boardProbe = probe ?? await probeBoard(conn, device.ortNodePath, job.signal);
    const runner = chooseRunner(boardProbe, job.runner);
    log(`Runner: ${runner.kind} ${runner.version} (${runner.path})`);
    const temp = await openTempDir(conn);
    job.onRemoteDir?.(temp.dir);
    let failure: unknown;
    try {
      job.onProgress?.(0, job.runs, 'Uploading the model');
      await conn.upload(job.modelPath, `${temp.dir}/model.onnx`);
      const script = RUNNER_SCRIPTS[runner.kind];
      if (script) await conn.upload(join(job.runnersDir, script), `${temp.dir}/${script}`);
      if (job.signal?.aborted) throw new WhittleError('cancelled', 'The profile was cancelled.');
      const plan = runnerArgv(runner, { dir: temp.dir, ortNodePath: device.ortNodePath, precision: job.precision, sparsity: job.sparsity, warmupRuns: job.warmupRuns, runs: job.runs, threads: job.threads ?? 1 });
      job.onProgress?.(0, job.runs, `Running ${runner.kind}`);
      const channel = await conn.channel(remoteSh(PROFILE_SCRIPT, [temp.dir, String(job.hardLimitSec ?? 1800), ...plan.argv]));
      const out = await runProfileChannel(conn, channel, job, job.runs);
      if (out.exitCode !== 0) {
        const why = /WHITTLE_ERROR (.*)/.exec(out.stderrTail)?.[1] ?? out.stderrTail.split('\n').filter(Boolean).pop() ?? `exit code ${out.exitCode}`;
        if (out.exitCode === 124) throw new WhittleError('device.profile-limit', `The runner on ${device.name} exceeded the ${job.hardLimitSec ?? 1800} s limit and was stopped.`, 'Use fewer runs or a smaller model.');
        throw new WhittleError('device.runner-failed', `${runner.kind} failed on ${device.name}: ${why}`, 'Check the model runs with this runner; the log has its output.');
      }
      const figures = parseRunnerOutput(runner.kind, out.runnerStdout);
      return assembleResult(job, runner.kind, runner.version, figures, out.samples, plan.warnings, startedAt);
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      // After a lost connection the board-side guardian removes the folder by itself.
      try {
        await temp.release();
      } catch (err) {
        if (!failure) throw err;
      }
    }
  } finally {
    conn.close();
  }
}
