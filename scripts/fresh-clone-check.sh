#!/usr/bin/env bash
# A new user's first steps, checked: clone this repository's committed HEAD into an empty
# temporary folder with nothing beside it, run the README's two commands there —
# `npm install && npm start` (until the app serves its page on loopback) and `npm test` —
# and end with npm test's own `N passed, N failed` line.
#
#   scripts/fresh-clone-check.sh            as the current user
#   scripts/fresh-clone-check.sh --as USER  as another (e.g. unprivileged) user; needs root
#
# Bounded: npm start gets 5 minutes to print its URL; the clone is removed afterwards
# (KEEP=1 keeps it).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
as_user=
if [ "${1:-}" = "--as" ]; then as_user=${2:?--as needs a user name}; fi

parent=$(mktemp -d "${TMPDIR:-/tmp}/whittle-fresh.XXXXXX")
clone="$parent/whittle"
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$parent"; }
trap cleanup EXIT

git clone -q "file://$repo" "$clone" || { echo "git clone failed"; echo "0 passed, 1 failed"; exit 1; }
echo "fresh clone of $(git -C "$repo" rev-parse --short HEAD) in $clone (nothing beside it: $(ls -A "$parent" | tr '\n' ' '))"

as() {
  if [ -n "$as_user" ]; then
    chown -R "$as_user" "$parent"
    runuser -u "$as_user" -- env -i HOME="$(getent passwd "$as_user" | cut -d: -f6)" PATH="$PATH" CI="${CI:-}" bash -c "cd '$clone' && $1"
  else
    (cd "$clone" && bash -c "$1")
  fi
}

echo "== npm install && npm start"
log="$parent/start.log"
as "npm install --no-audit --no-fund && exec npm start" >"$log" 2>&1 </dev/null &
start_pid=$!
url=
for _ in $(seq 1 300); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/[^ ]*' "$log" | head -n1)
  [ -n "$url" ] && break
  kill -0 "$start_pid" 2>/dev/null || break
  sleep 1
done
cat "$log"
started=0
# The first answer to the tokened URL: the page, or a redirect that stores the token in a
# cookie and cleans the address bar (redirects are not followed: fetch keeps no cookies).
if [ -n "$url" ] && node -e 'fetch(process.argv[1], { redirect: "manual" }).then((r) => process.exit(r.status < 400 ? 0 : 1), () => process.exit(1))' "$url"; then started=1; echo "npm start serves the app at $url"; fi
pkill -TERM -P "$start_pid" 2>/dev/null; kill -TERM "$start_pid" 2>/dev/null
# The host and anything it forked belong to the clone: stop whatever still runs from it.
sleep 1; pkill -KILL -f "$clone/" 2>/dev/null
wait "$start_pid" 2>/dev/null
if [ "$started" != 1 ]; then echo "npm start did not bring the app up"; echo "0 passed, 1 failed"; exit 1; fi

echo "== npm test"
as "npm test" </dev/null | tee "$parent/test.log"
rc=${PIPESTATUS[0]}
tail -n 5 "$parent/test.log" | grep -E '^[0-9]+ passed, [0-9]+ failed' >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
exit "$rc"
