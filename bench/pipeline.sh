#!/usr/bin/env bash
# Times the local pipeline end to end on the real Docker engine, in a scratch clone of HEAD
# (.qtsops/bench/pipeline/repo), and writes docs/BENCHMARKS.md section "Pipeline":
#   1. cold `./build.sh`: after `clean`, with no qts-observer image (nor dangling build-stage images,
#      which would serve as layer cache), container, release or history; the bootstrapped base
#      image is kept (a one-time cost per engine, timed apart when it is missing);
#   2. `./build.sh` again with nothing changed;
#   3. a release whose container crashes at start: the time from the failed health check to the
#      previous release being healthy again (from the release history and Docker's health log).
# It replaces the local deployment (container qts-observer on port 8000) and removes it at the end;
# run ./build.sh afterwards to deploy your own tree again. Usage: bench/pipeline.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/.qtsops/bench/pipeline"
CLONE="$WORK/repo"
CONTAINER=qts-observer
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

in_clone() { (cd "$CLONE" && "$@"); }

crashing_run() { # ./build.sh of the release that crashes at start, its output in WORK/crash.log: it fails, and puts the old release back
  if in_clone ./build.sh >"$WORK/crash.log" 2>&1; then echo "bench: the crashing release did not fail the run"; return 1; fi
  grep -q "which is healthy and verified" "$WORK/crash.log" || { tail -20 "$WORK/crash.log"; return 1; }
}

clone_head "$CLONE"

base_note="kept (built earlier)"
if ! docker image ls --format '{{.Repository}}' | grep -qx 'qtsops/python-base'; then
  base_ms=$(elapsed_ms in_clone ./build.sh --target=image)
  base_note="built first, once: $(seconds "$base_ms") s for the image target including debootstrap"
fi

# Cold: clean, and no observer image, container, release or history.
(cd "$CLONE" && ./build.sh --target=clean >/dev/null)
mapfile -t images < <(docker image ls --format '{{.Repository}}:{{.Tag}}' | grep '^qts-observer:' || true)
[ ${#images[@]} -eq 0 ] || docker image rm --force "${images[@]}" >/dev/null
docker image prune --force >/dev/null # untagged build-stage images would serve as layer cache
rm -rf "$CLONE/.qtsops/deploy" "$CLONE/.qtsops/history"
cold=$(elapsed_ms in_clone ./build.sh)
again=$(elapsed_ms in_clone ./build.sh)

# A release that crashes at start (an interval the service refuses: it exits 2), committed so it is a new version.
sed -i 's|      OBSERVER_LOG_DIR: /app/logs|      OBSERVER_LOG_DIR: /app/logs\n      OBSERVER_INTERVAL_SECONDS: "0"|' "$CLONE/src/observer/docker-compose.yml"
git -C "$CLONE" commit --quiet -am "bench: a release that crashes at start"
failed=$(elapsed_ms crashing_run)

# From the failed deploy's end (the check that failed) to the first passing health check of the old release.
rollback=$(docker inspect "$CONTAINER" --format '{{json .State.Health.Log}}' | python3 -c '
import json, sys, datetime
def t(s):
    s = s.rstrip("Z")
    main, _, frac = s.partition(".")
    frac = "".join(c for c in frac if c.isdigit())[:6]
    return datetime.datetime.fromisoformat(main + ("." + frac if frac else "")).replace(tzinfo=datetime.timezone.utc)
history = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
failed = [e for e in history if e["action"] == "deploy" and e["result"] == "failed"][-1]
healthy = min(t(c["End"]) for c in json.load(sys.stdin) if c["ExitCode"] == 0)
failed_at = t(failed["finishedAt"].replace("+00:00", "Z"))
print("%.1f" % (healthy - failed_at).total_seconds())
' "$CLONE/.qtsops/history/local.jsonl")

docker rm --force "$CONTAINER" >/dev/null

cold_s=$(seconds "$cold"); again_s=$(seconds "$again"); failed_s=$(seconds "$failed")
ratio=$(awk -v a="$again" -v b="$cold" 'BEGIN { printf "%.2f", a / b }')
section="
## Pipeline: local deploy, re-run, rollback

Command: \`bench/pipeline.sh\` (one run each, in a scratch clone of HEAD, real Docker engine $(docker version --format '{{.Server.Version}}'), $(nproc) cores, $(date -u +%Y-%m-%d)).
Base image: $base_note.

| what | time |
|---|---|
| cold \`./build.sh\` (after clean; no observer image or layer cache, container, release or history) | ${cold_s} s |
| \`./build.sh\` again, nothing changed (build and deploy skipped, verify runs) | ${again_s} s |
| failed check (crashing release) to the previous release healthy again | ${rollback} s |
| the whole failing run (build, deploy, crash, rollback, verify of the old release) | ${failed_s} s |

Ratio re-run / cold: **${ratio}** (goal: at most 0.25). Rollback: **${rollback} s** (goal: at most 15 s); Docker runs the
health check every \`healthIntervalSeconds\` (1 s for local), so the old release is called healthy within a second of answering.
"

write_section pipeline "$section"
echo "bench: cold ${cold_s} s, again ${again_s} s (ratio ${ratio}), rollback ${rollback} s, failing run ${failed_s} s"
