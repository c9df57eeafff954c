#!/usr/bin/env bash
# What a client sees during releases on the local environment: bench/poll.py asks /health through the
# environment's port 20 times a second during
#   (a) an upgrade: one observer source file changed and committed, then `./build.sh`;
#   (b) a release that crashes at start (a setting the service refuses), `./build.sh` fails and rolls back;
#   (c) `./build.sh --target=rollback` on demand;
# for each strategy, start-first (the new release beside the old one, behind the edge) and recreate
# (one container, replaced in place), in the same run; prints, for each, the requests, the failed ones
# and the longest time without an answer. In a scratch clone of HEAD (.qtsops/bench/upgrade/repo);
# writes docs/BENCHMARKS.md section "upgrade" and its charts (bench/chart.py). It replaces the local deployment (port 8000) and
# removes it at the end. Usage: bench/upgrade.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/.qtsops/bench/upgrade"
CLONE="$WORK/repo"
HEALTH=http://127.0.0.1:8000/health
CHANGED=src/observer/src/qts_observer/health.py
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

in_clone() { # LOG command... : runs the command in the clone, its output in LOG
  local log="$1"
  shift
  (cd "$CLONE" && "$@") >"$log" 2>&1
}

run() { # label expected-exit command... : runs the pipeline in the clone while polling; prints "requests failed gap"
  local label="$1" expected="$2" status=0
  shift 2
  polled "$WORK/$label" "$HEALTH" in_clone "$WORK/$label.log" "$@" || status=$?
  if [ "$status" -ne "$expected" ]; then
    tail -20 "$WORK/$label.log" >&2
    echo "bench: $label exited $status, expected $expected" >&2
    exit 1
  fi
  cat "$WORK/$label-1.poll"
}

clone_head "$CLONE"

scenarios() { # STRATEGY : (a), (b) and (c) with it, from a fresh deployment; prints their "requests failed gap" on one line
  local strategy="$1" result figures=()
  remove_local_deployment
  (cd "$CLONE" && run_logged "$WORK/$strategy-first.log" ./build.sh --strategy="$strategy") || exit

  echo "# bench: upgrade $(date +%s)" >>"$CLONE/$CHANGED"
  git -C "$CLONE" commit --quiet -am "bench: an upgrade"
  result=$(run "$strategy-upgrade" 0 ./build.sh --strategy="$strategy") # an assignment, so that a failed run stops the script
  figures+=("$result")

  sed -i 's|      OBSERVER_LOG_DIR: /app/logs|      OBSERVER_LOG_DIR: /app/logs\n      OBSERVER_INTERVAL_SECONDS: "0"|' "$CLONE/src/observer/docker-compose.yml"
  git -C "$CLONE" commit --quiet -am "bench: a release that crashes at start"
  result=$(run "$strategy-crash" 1 ./build.sh --strategy="$strategy")
  figures+=("$result")
  git -C "$CLONE" revert --quiet --no-edit HEAD >/dev/null

  # Back to the release before the upgrade: the upgrade is the last verified one, the one before it the target.
  result=$(run "$strategy-rollback" 0 ./build.sh --target=rollback --strategy="$strategy")
  figures+=("$result")
  echo "${figures[*]}"
}

result=$(scenarios start-first)
read -r sa_requests sa_failed sa_gap sb_requests sb_failed sb_gap sc_requests sc_failed sc_gap <<<"$result"
result=$(scenarios recreate)
read -r ra_requests ra_failed ra_gap rb_requests rb_failed rb_gap rc_requests rc_failed rc_gap <<<"$result"

remove_local_deployment
when="$(date -u +%Y-%m-%d), commit $(git -C "$ROOT" rev-parse --short HEAD), $(nproc) cores, Docker $(docker version --format '{{.Server.Version}}')"
echo "bench: start-first: upgrade $sa_failed/$sa_requests failed (gap $sa_gap ms), crash $sb_failed/$sb_requests (gap $sb_gap ms), rollback $sc_failed/$sc_requests (gap $sc_gap ms)"
echo "bench: recreate: upgrade $ra_failed/$ra_requests failed (gap $ra_gap ms), crash $rb_failed/$rb_requests (gap $rb_gap ms), rollback $rc_failed/$rc_requests (gap $rc_gap ms)"

write_section upgrade "## Upgrades: what a client polling /health sees

Command: \`bench/upgrade.sh\` ($when). A client asks /health through the
environment's port 20 times a second from a second before the run to a second after it; a request
fails when it gets no 200 within 0.5 s. Both strategies in the same run, each from a fresh
deployment. Goal: 0 failed requests in each with start-first.

| during | strategy | requests | failed | longest without an answer |
|---|---|---|---|---|
| (a) an upgrade (\`./build.sh\` after a commit) | start-first | $sa_requests | $sa_failed | $sa_gap ms |
| | recreate | $ra_requests | $ra_failed | $ra_gap ms |
| (b) a release that crashes at start, and its rollback | start-first | $sb_requests | $sb_failed | $sb_gap ms |
| | recreate | $rb_requests | $rb_failed | $rb_gap ms |
| (c) \`./build.sh --target=rollback\` | start-first | $sc_requests | $sc_failed | $sc_gap ms |
| | recreate | $rc_requests | $rc_failed | $rc_gap ms |

Failed requests each second of (a): start-first: $(cat "$WORK/start-first-upgrade-1.timeline"); recreate: $(cat "$WORK/recreate-upgrade-1.timeline").

![Failed requests during releases, by strategy](charts/upgrade.svg)
![Failed requests each second of an upgrade, by strategy](charts/upgrade-timeline.svg)"
python3 "$ROOT/bench/chart.py" upgrade
