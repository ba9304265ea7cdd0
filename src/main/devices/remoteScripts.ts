// The shell scripts Whittle runs on a board. They are constants: user strings reach them
// only as positional arguments, each quoted by shellQuote (`sh -c SCRIPT whittle ARGS...`).
// They are POSIX sh (dash, busybox ash) and use only coreutils-level tools.
import { shellQuote } from './shellQuote.ts';

/**
 * The board-side decoder. sshd hands our command line to the user's LOGIN shell, which may
 * be fish, tcsh or zsh, each quoting differently (fish reads \\ inside single quotes, csh
 * cannot hold a newline in quotes, ! is history in csh). So that line holds only words that
 * every shell reads the same way: this wrapper in single quotes (no \, ', ! or newline in
 * it), and the script and its arguments as base64 words prefixed with "x" (never empty).
 * The wrapper, run by an explicit `sh -c`, decodes them and evals the script with its args.
 */
const DECODE_WRAPPER = [
  'command -v base64 >/dev/null 2>&1 || { echo "whittle: the board has no base64 command (coreutils or busybox)" >&2; exit 96; }',
  's=$(printf %s "${1#x}" | base64 -d) || exit 96',
  'shift',
  'n=$#',
  // Re-append each argument decoded; the trailing x keeps trailing newlines that $() would eat.
  'while [ "$n" -gt 0 ]; do a=$(printf %s "${1#x}" | base64 -d; echo x); shift; set -- "$@" "${a%x}"; n=$((n - 1)); done',
  'eval "$s"',
].join('; ');

const base64Word = (value: string) => `x${Buffer.from(value, 'utf8').toString('base64')}`;

/** `sh -c <decoder> whittle <script> <args...>`: the same on the board whatever its user's login shell. */
export function remoteSh(script: string, args: string[] = []): string {
  // A NUL cannot be part of an argument; shellQuote refuses it with a clear error.
  for (const value of [script, ...args]) shellQuote(value);
  return ['sh', '-c', `'${DECODE_WRAPPER}'`, 'whittle', base64Word(script), ...args.map(base64Word)].join(' ');
}

/** Reads onnxruntime-node's version under a folder: the package itself, or a node_modules above it. */
export const NODE_ORT_LOCATE = `
const fs = require('fs'), path = require('path');
const p = process.argv[1] || '';
const roots = p ? [p, path.join(p, 'onnxruntime-node'), path.join(p, 'node_modules', 'onnxruntime-node')]
  : ['/usr/lib/node_modules/onnxruntime-node', '/usr/local/lib/node_modules/onnxruntime-node'];
for (const c of roots) {
  try {
    const j = JSON.parse(fs.readFileSync(path.join(c, 'package.json'), 'utf8'));
    if (j.name === 'onnxruntime-node') { console.log(j.version + '|' + c); process.exit(0); }
  } catch {}
}
process.exit(1);
`;

/** $1: onnxruntime-node path for the node runner (may be empty). Prints key=value lines. */
export const PROBE_SCRIPT = `
ort=$1
kv() { printf '%s=%s\\n' "$1" "$2"; }
kv os "$( (. /etc/os-release 2>/dev/null && printf %s "$PRETTY_NAME") || uname -s)"
kv kernel "$(uname -r)"
kv arch "$(uname -m)"
m=$(sed -n 's/^\\(model name\\|Model\\|Hardware\\|cpu model\\)[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -n1)
if [ -z "$m" ] && command -v lscpu >/dev/null 2>&1; then m=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1); fi
kv cpu_model "$m"
kv cpu_cores "$(getconf _NPROCESSORS_ONLN 2>/dev/null || grep -c ^processor /proc/cpuinfo)"
kv mem_total_kb "$(sed -n 's/^MemTotal:[[:space:]]*\\([0-9]*\\).*/\\1/p' /proc/meminfo)"
kv mem_available_kb "$(sed -n 's/^MemAvailable:[[:space:]]*\\([0-9]*\\).*/\\1/p' /proc/meminfo)"
kv disk_free_kb "$(df -Pk "\${TMPDIR:-/tmp}" | awk 'NR==2{print $4}')"
[ -r /proc/device-tree/model ] && kv dt_model "$(tr -d '\\000' </proc/device-tree/model)"
[ -r /etc/nv_tegra_release ] && kv l4t "$(head -n1 /etc/nv_tegra_release)"
t=$(command -v trtexec 2>/dev/null)
if [ -z "$t" ] && [ -x /usr/src/tensorrt/bin/trtexec ]; then t=/usr/src/tensorrt/bin/trtexec; fi
[ -n "$t" ] && kv trtexec "$t|$("$t" --help 2>&1 | grep -o 'TensorRT v[0-9]*' | head -n1)"
p=$(command -v onnxruntime_perf_test 2>/dev/null)
[ -n "$p" ] && kv perf_test "$p|"
py=$(command -v python3 2>/dev/null)
if [ -n "$py" ]; then v=$("$py" -c 'import onnxruntime as o; print(o.__version__)' 2>/dev/null) && kv python_ort "$py|$v"; fi
nd=$(command -v node 2>/dev/null)
if [ -n "$nd" ]; then v=$("$nd" -e "$2" "$ort" 2>/dev/null) && kv node_ort "$nd|$v"; fi
exit 0
`;

/**
 * Holds the profile's temp folder for as long as our stdin is open: prints the folder,
 * waits for EOF (we are done, or the connection died), then removes it.
 */
export const TEMP_DIR_SCRIPT = `
d=$(mktemp -d "\${TMPDIR:-/tmp}/whittle-profile.XXXXXXXX") || exit 97
echo "$d"
cat >/dev/null
rm -rf -- "$d"
echo WHITTLE_CLEANED
`;

/**
 * $1 folder, $2 hard limit (s), then the runner's argv. Runs the runner in its own process
 * group, samples /proc (and tegrastats on a Jetson) to stdout, and kills the group as soon
 * as our stdin closes: cancel, or a dead connection. The runner's stdout is replayed at the
 * end between markers; its stderr streams live (progress lines).
 *
 * Every process the script starts keeps the channel's stdout or stderr open, and sshd
 * closes a channel only when all writers of those pipes are gone: so the caller's "close"
 * means nothing started here is still running, however loaded the board is. For the same
 * reason no helper is killed while it has a child of its own: the sampler ends by itself
 * when the runner is gone, tegrastats dies with its process group, and the stdin watcher
 * waits in the shell's builtin read (no child) until it is killed or fires.
 */
export const PROFILE_SCRIPT = `
dir=$1; limit=$2; shift 2
cd "$dir" || exit 97
exec 3<&0
# timeout bounds a runaway runner; setsid (no fork here: a background job is no group
# leader) makes the runner lead its own process group so one kill reaches its children.
if command -v timeout >/dev/null 2>&1; then set -- timeout -k 2 "$limit" "$@"; fi
if command -v setsid >/dev/null 2>&1; then set -- setsid "$@"; fi
"$@" >"$dir/run.out" </dev/null &
pid=$!
echo "WHITTLE_PID $pid"
tpid=
if command -v tegrastats >/dev/null 2>&1; then
  if command -v setsid >/dev/null 2>&1; then setsid tegrastats --interval 250 </dev/null & else tegrastats --interval 250 </dev/null & fi
  tpid=$!
fi
(
  while kill -0 "$pid" 2>/dev/null; do
    rss=0
    for p in "$pid" $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
      for q in "$p" $(cat /proc/"$p"/task/*/children 2>/dev/null); do
        r=$(sed -n 's/^VmRSS:[[:space:]]*\\([0-9]*\\).*/\\1/p' /proc/"$q"/status 2>/dev/null)
        rss=$((rss + \${r:-0}))
      done
    done
    set -- $(sed -n 's/^MemTotal:[[:space:]]*\\([0-9]*\\).*/\\1/p; s/^MemAvailable:[[:space:]]*\\([0-9]*\\).*/\\1/p' /proc/meminfo)
    read -r _ u n s i w q sq st _ </proc/stat
    echo "S $(date +%s)000 $1 $2 $rss $((u+n+s+i+w+q+sq+st)) $((i+w))"
    sleep 0.25
  done
) </dev/null &
spid=$!
(
  while read -r _ <&3; do :; done
  # dash's kill takes no "--"; a negative pid is the runner's process group.
  kill -TERM -"$pid" 2>/dev/null; kill -TERM "$pid" 2>/dev/null
  i=0
  while kill -0 -"$pid" 2>/dev/null && [ "$i" -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
  kill -KILL -"$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null
) </dev/null &
wpid=$!
wait "$pid"; rc=$?
wait "$spid" 2>/dev/null
if [ -n "$tpid" ]; then
  kill -TERM -"$tpid" 2>/dev/null || kill -TERM "$tpid" 2>/dev/null
  wait "$tpid" 2>/dev/null
fi
echo "WHITTLE_EXIT $rc"
echo WHITTLE_OUT_BEGIN
cat "$dir/run.out"
echo WHITTLE_OUT_END
kill "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
exit $rc
`;
