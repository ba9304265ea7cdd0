// Reads tegrastats lines from every Jetson generation: Nano/TX2/Xavier print rails
// without units ("POM_5V_IN 4520/4680"), Orin prefixes a timestamp and prints mW
// ("VDD_IN 4556mW/4556mW"), lowercase temperatures and bracketed GPU frequencies.
// Any field may be missing; a line yields what it has.

export interface TegrastatsSample {
  /** Epoch ms from the line's own timestamp (Orin), when present. */
  timestampMs?: number;
  ramUsedMb?: number;
  ramTotalMb?: number;
  cpuPercent?: number;
  gpuPercent?: number;
  /** Instant power of each rail (mW), by name as printed. */
  railsMw: Record<string, number>;
  /** Board input power: VDD_IN / POM_5V_IN, or the sum of rails when neither exists. */
  totalPowerMw?: number;
  /** Hottest sensor, ignoring PMIC (a fixed placeholder on many modules). */
  maxTempC?: number;
}

const TOTAL_RAILS = ['VDD_IN', 'POM_5V_IN', 'VDD_TOTAL'];

export function parseTegrastatsLine(line: string): TegrastatsSample | undefined {
  const sample: TegrastatsSample = { railsMw: {} };
  let found = false;
  const ts = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})/.exec(line);
  if (ts) {
    sample.timestampMs = Date.UTC(+ts[3], +ts[1] - 1, +ts[2], +ts[4], +ts[5], +ts[6]);
  }
  const ram = /\bRAM (\d+)\/(\d+)MB/.exec(line);
  if (ram) { sample.ramUsedMb = +ram[1]; sample.ramTotalMb = +ram[2]; found = true; }
  const cpu = /\bCPU \[([^\]]*)\]/.exec(line);
  if (cpu) {
    const loads = [...cpu[1].matchAll(/(\d+)%/g)].map((m) => +m[1]);
    // "off" cores count as idle only if none is reported; average the online ones.
    if (loads.length) { sample.cpuPercent = loads.reduce((a, b) => a + b, 0) / loads.length; found = true; }
  }
  const gpu = /\bGR3D_FREQ (\d+)%/.exec(line);
  if (gpu) { sample.gpuPercent = +gpu[1]; found = true; }
  // Rails: upper-case name, "cur/avg" with optional mW; the lookahead keeps "SWAP 149/1024MB" out.
  for (const m of line.matchAll(/\b([A-Z][A-Z0-9_]*) (\d+)(?:mW)?\/(\d+)(?:mW)?(?![\w])/g)) {
    if (m[1] === 'RAM' || m[1] === 'SWAP' || m[1] === 'IRAM') continue;
    sample.railsMw[m[1]] = +m[2];
    found = true;
  }
  const rails = Object.keys(sample.railsMw);
  const total = TOTAL_RAILS.find((r) => r in sample.railsMw);
  if (total) sample.totalPowerMw = sample.railsMw[total];
  else if (rails.length) sample.totalPowerMw = rails.reduce((a, r) => a + sample.railsMw[r], 0);
  const temps = [...line.matchAll(/\b([A-Za-z][A-Za-z0-9_]*)@(-?\d+(?:\.\d+)?)C\b/g)]
    .filter((m) => m[1].toUpperCase() !== 'PMIC')
    .map((m) => +m[2])
    // -256C is what an absent sensor reads on some modules.
    .filter((t) => t > -100);
  if (temps.length) { sample.maxTempC = Math.max(...temps); found = true; }
  return found ? sample : undefined;
}

export function parseTegrastats(text: string): TegrastatsSample[] {
  const out: TegrastatsSample[] = [];
  for (const line of text.split(/\r?\n/)) {
    const s = parseTegrastatsLine(line);
    if (s) out.push(s);
  }
  return out;
}
