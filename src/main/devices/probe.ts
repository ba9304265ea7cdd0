// What a board is and what it can run: one probe script, its key=value output parsed
// into a ProbeResult (OS, CPU, memory, disk, Jetson identity, runners with versions).
import { WhittleError } from '../../shared/errors.ts';
import type { ProbeResult, RunnerInfo } from '../../shared/devices/schema.ts';
import type { BoardConnection } from './ssh.ts';
import { NODE_ORT_LOCATE, PROBE_SCRIPT, remoteSh } from './remoteScripts.ts';

/** "# R36 (release), REVISION: 4.0, GCID: ..." -> "R36.4.0". */
export function parseL4t(line: string): string | undefined {
  const m = /R(\d+)\s*\(release\),\s*REVISION:\s*([\d.]+)/.exec(line);
  return m ? `R${m[1]}.${m[2]}` : undefined;
}

export function parseProbe(text: string, now = new Date()): ProbeResult {
  const kv = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  if (!kv.has('kernel')) throw new WhittleError('device.probe', 'The board did not answer the probe as expected.', 'Check that the login shell is a POSIX shell (sh, bash, dash, ash).');
  const num = (k: string) => Number(kv.get(k) ?? 0) || 0;
  const runners: RunnerInfo[] = [];
  const split = (k: string) => (kv.get(k) ?? '').split('|');
  if (kv.has('trtexec')) {
    const [path, tag] = split('trtexec');
    const v = /v(\d+)/.exec(tag ?? '');
    const n = v ? Number(v[1]) : 0;
    const version = !n ? 'unknown' : n >= 10000 ? `${Math.floor(n / 10000)}.${Math.floor(n / 100) % 100}.${n % 100}` : `${Math.floor(n / 1000)}.${Math.floor(n / 100) % 10}.${n % 100}`;
    runners.push({ kind: 'trtexec', path, version });
  }
  if (kv.has('perf_test')) runners.push({ kind: 'perf-test', path: split('perf_test')[0], version: 'unknown' });
  if (kv.has('python_ort')) {
    const [path, version] = split('python_ort');
    runners.push({ kind: 'python-ort', path, version: version || 'unknown' });
  }
  if (kv.has('node_ort')) {
    // node path | onnxruntime-node version | package folder
    const [path, version, ortRoot] = split('node_ort');
    runners.push({ kind: 'node-ort', path: ortRoot ? `${path} (${ortRoot})` : path, version: version || 'unknown' });
  }
  const dtModel = kv.get('dt_model');
  const l4tLine = kv.get('l4t');
  const isJetson = !!l4tLine || /jetson|nvidia/i.test(dtModel ?? '');
  return {
    os: kv.get('os') || 'unknown',
    kernel: kv.get('kernel') || 'unknown',
    arch: kv.get('arch') || 'unknown',
    cpuModel: kv.get('cpu_model') || 'unknown',
    cpuCores: num('cpu_cores'),
    memTotalBytes: num('mem_total_kb') * 1024,
    memAvailableBytes: num('mem_available_kb') * 1024,
    diskFreeBytes: num('disk_free_kb') * 1024,
    jetson: isJetson ? { model: dtModel || 'NVIDIA Jetson', l4t: l4tLine ? parseL4t(l4tLine) ?? l4tLine : undefined } : undefined,
    runners,
    probedAt: now.toISOString(),
  };
}

export async function probeBoard(conn: BoardConnection, ortNodePath: string | undefined, signal?: AbortSignal): Promise<ProbeResult> {
  const { stdout, stderr, code } = await conn.run(remoteSh(PROBE_SCRIPT, [ortNodePath ?? '', NODE_ORT_LOCATE]), signal);
  if (code !== 0 && !stdout) throw new WhittleError('device.probe', `Probing ${conn.device.name} failed: ${stderr.trim() || `exit code ${code}`}.`, 'Check that the login shell is a POSIX shell.');
  return parseProbe(stdout);
}
