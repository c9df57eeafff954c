#!/usr/bin/env bash
# What a client sees during releases on the local environment: bench/poll.py asks /health through the
# environment's port 20 times a second during
#   (a) an upgrade: one observer source file changed and committed, then `./build.sh`;
#   (b) a release that crashes at start (a setting the service refuses), `./build.sh` fails and rolls back;
#   (c) `./build.sh --target=rollback` on demand;
# and prints, for each, the requests, the failed ones and the longest time without an answer. In a
# scratch clone of HEAD (.qtsops/bench/upgrade/repo); writes docs/BENCHMARKS.md section "upgrade".
# Today's deploy is recreate (compose replaces the container: the old one stops before the new one
# serves). It replaces the local deployment (container qts-observer on port 8000) and removes it at
# the end. Usage: bench/upgrade.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/.qtsops/bench/upgrade"
CLONE="$WORK/repo"
CONTAINER=qts-observer
HEALTH=http://127.0.0.1:8000/health
CHANGED=src/observer/src/qts_observer/health.py
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

run() { # label expected-exit command... : runs the pipeline in the clone while polling; prints "requests failed gap"
  local label="$1" expected="$2" status=0 poller
  shift 2
  python3 "$ROOT/bench/poll.py" "$HEALTH" 20 >"$WORK/$label.poll" &
  poller=$!
  sleep 1 # the poller's first answers come from the release that runs before
  (cd "$CLONE" && "$@") >"$WORK/$label.log" 2>&1 || status=$?
  sleep 1
  kill -TERM "$poller"
  wait "$poller"
  if [ "$status" -ne "$expected" ]; then
    tail -20 "$WORK/$label.log" >&2
    echo "bench: $label exited $status, expected $expected" >&2
    exit 1
  fi
  cat "$WORK/$label.poll"
}

clone_head "$CLONE"
(cd "$CLONE" && ./build.sh >"$WORK/first.log" 2>&1) || { tail -20 "$WORK/first.log"; exit 1; }

echo "# bench: upgrade $(date +%s)" >>"$CLONE/$CHANGED"
git -C "$CLONE" commit --quiet -am "bench: an upgrade"
result=$(run upgrade 0 ./build.sh) # an assignment, so that a failed run stops the script
read -r a_requests a_failed a_gap <<<"$result"

sed -i 's|      OBSERVER_LOG_DIR: /app/logs|      OBSERVER_LOG_DIR: /app/logs\n      OBSERVER_INTERVAL_SECONDS: "0"|' "$CLONE/src/observer/docker-compose.yml"
git -C "$CLONE" commit --quiet -am "bench: a release that crashes at start"
result=$(run crash 1 ./build.sh)
read -r b_requests b_failed b_gap <<<"$result"
git -C "$CLONE" revert --quiet --no-edit HEAD

# Back to the release before the upgrade: the upgrade is the last verified one, the one before it the target.
result=$(run rollback 0 ./build.sh --target=rollback)
read -r c_requests c_failed c_gap <<<"$result"

docker rm --force "$CONTAINER" >/dev/null
when="$(date -u +%Y-%m-%d), commit $(git -C "$ROOT" rev-parse --short HEAD), $(nproc) cores, Docker $(docker version --format '{{.Server.Version}}')"
echo "bench: upgrade $a_failed/$a_requests failed (gap $a_gap ms), crash $b_failed/$b_requests (gap $b_gap ms), rollback $c_failed/$c_requests (gap $c_gap ms)"

write_section upgrade "## Upgrades: what a client polling /health sees

Command: \`bench/upgrade.sh\` ($when). A client asks /health through the
environment's port 20 times a second from a second before the run to a second after it; a request
fails when it gets no 200 within 0.5 s. Strategy: recreate (today's only one: compose stops the old
container before the new one serves). Goal (with start-first): 0 failed requests in each.

| during | requests | failed | longest without an answer |
|---|---|---|---|
| (a) an upgrade (\`./build.sh\` after a commit) | $a_requests | $a_failed | $a_gap ms |
| (b) a release that crashes at start, and its rollback | $b_requests | $b_failed | $b_gap ms |
| (c) \`./build.sh --target=rollback\` | $c_requests | $c_failed | $c_gap ms |"
