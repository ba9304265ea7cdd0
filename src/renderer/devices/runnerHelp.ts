// What to install on a board so Whittle can profile on it, by what its probe found (Jetson
// with L4T, Debian-family, other Linux), and where Whittle looks for each runner — the same
// places the probe script (src/main/devices/remoteScripts.ts) checks.
import type { ProbeResult, RunnerKind } from '../../shared/devices/schema.ts';
import { RUNNER_LABELS } from '../../shared/devices/schema.ts';

export interface RunnerInstallStep {
  runner: RunnerKind;
  title: string;
  /** Shell commands to run on the board (as the board's user; sudo where shown). */
  commands: string[];
  /** Where Whittle finds it afterwards, or the setting to fill in. */
  where: string;
}

const DEBIAN = /debian|ubuntu|raspbian|raspberry|mint|pop!_os/i;

/** Install steps for the runners the board lacks, best first for its kind of board. */
export function runnerInstallHelp(probe: ProbeResult): RunnerInstallStep[] {
  const has = new Set(probe.runners.map((r) => r.kind));
  const apt = DEBIAN.test(probe.os) || !!probe.jetson;
  const steps: RunnerInstallStep[] = [];
  if (probe.jetson && !has.has('trtexec')) {
    steps.push({
      runner: 'trtexec', title: `${RUNNER_LABELS.trtexec} (ships with JetPack on ${probe.jetson.model})`,
      commands: ['sudo apt-get update', 'sudo apt-get install -y nvidia-tensorrt'],
      where: 'Found on the PATH or at /usr/src/tensorrt/bin/trtexec (where JetPack puts it); nothing to set.',
    });
  }
  if (!has.has('python-ort')) {
    const pip = probe.jetson
      ? ['python3 -m pip install --user onnxruntime   # CPU; for the GPU, NVIDIA\'s onnxruntime-gpu wheel for your JetPack']
      : ['python3 -m pip install --user onnxruntime'];
    steps.push({
      runner: 'python-ort', title: RUNNER_LABELS['python-ort'],
      commands: [...(apt ? ['sudo apt-get install -y python3 python3-pip'] : []), ...pip],
      where: 'Found when `python3 -c "import onnxruntime"` works for the login user; nothing to set.',
    });
  }
  if (!has.has('node-ort')) {
    steps.push({
      runner: 'node-ort', title: RUNNER_LABELS['node-ort'],
      commands: [...(apt ? ['sudo apt-get install -y nodejs npm'] : []), 'mkdir -p ~/whittle-runner && cd ~/whittle-runner && npm install onnxruntime-node'],
      where: 'Edit the board and set "onnxruntime-node on the board" to ~/whittle-runner (absolute, e.g. /home/<user>/whittle-runner); a global install under /usr/lib/node_modules is found without it.',
    });
  }
  if (!has.has('perf-test') && probe.runners.length === 0) {
    steps.push({
      runner: 'perf-test', title: RUNNER_LABELS['perf-test'],
      commands: ['# build ONNX Runtime from source with --build_shared_lib; the tool is build/Linux/Release/onnxruntime_perf_test', 'sudo cp build/Linux/Release/onnxruntime_perf_test /usr/local/bin/'],
      where: 'Found on the PATH; nothing to set.',
    });
  }
  return steps;
}
