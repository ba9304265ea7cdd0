// Reads the /proc sampler's lines (written by remoteScripts.ts on boards without
// tegrastats): "S <epochMs> <memTotalKb> <memAvailableKb> <rssKb> <cpuTotalTicks> <cpuIdleTicks>".
// CPU load needs two readings, so the first sample carries none.

export interface ProcSample {
  epochMs: number;
  ramUsedBytes: number;
  rssBytes?: number;
  cpuPercent?: number;
}

export function parseProcSamples(text: string): ProcSample[] {
  const out: ProcSample[] = [];
  let prev: { total: number; idle: number } | undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^S (\d+) (\d+) (\d+) (\d+|-) (\d+) (\d+)\s*$/.exec(line.trim());
    if (!m) continue;
    const [total, idle] = [Number(m[5]), Number(m[6])];
    const s: ProcSample = { epochMs: Number(m[1]), ramUsedBytes: (Number(m[2]) - Number(m[3])) * 1024 };
    if (m[4] !== '-' && Number(m[4]) > 0) s.rssBytes = Number(m[4]) * 1024;
    if (prev && total > prev.total) s.cpuPercent = 100 * (1 - (idle - prev.idle) / (total - prev.total));
    prev = { total, idle };
    out.push(s);
  }
  return out;
}
