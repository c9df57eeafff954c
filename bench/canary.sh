#!/usr/bin/env bash
# What a canary costs: the seconds a canary deploy (--strategy=canary: start-first, then canary.seconds with a share of the
# requests, then the judgement and the switch) adds over a start-first deploy of the same kind of change, while
# bench/poll.py asks /health through the edge 20 times a second (the canary needs requests to be judged on). In a scratch
# clone of HEAD (.qtsops/bench/canary/repo) whose 'local' has its own names and a free port, so that it runs beside the
# other checkouts' deployments; removes what it started at the end. Writes docs/BENCHMARKS.md section "canary".
# Thresholds are loose (the bench measures the cost, not the judgement), so that a loaded machine does not withdraw the canary.
# Usage: bench/canary.sh [ROUNDS]   (default 2: each round one start-first and one canary deploy)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/.qtsops/bench/canary"
CLONE="$WORK/repo"
ROUNDS="${1:-2}"
CANARY_SECONDS=10
CHANGED=src/observer/src/qts_observer/health.py
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

NAME="qtsops-bench-canary-$$"
PORT=$(free_port)
HEALTH="http://127.0.0.1:$PORT/health"

cleanup() {
  docker rm --force "$NAME" "$NAME-a" "$NAME-b" "$NAME-edge" >/dev/null 2>&1 || true
  docker network rm "$NAME" >/dev/null 2>&1 || true
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^$NAME/" | xargs -r docker image rm --force >/dev/null 2>&1 || true
}
trap cleanup EXIT

clone_at "$CLONE" HEAD
NAME="$NAME" PORT="$PORT" SECONDS_="$CANARY_SECONDS" python3 - "$CLONE/environments.json" <<'PY'
import json, os, sys
path = sys.argv[1]
# The file has // comment lines, which JSON has not: left out of the scratch clone's copy.
environments = json.loads("".join(line for line in open(path) if not line.lstrip().startswith("//")))
local = environments["local"]
name, port = os.environ["NAME"], int(os.environ["PORT"])
local.update({"containerName": name, "composeProject": name, "network": name, "imageRepository": f"{name}/observer", "port": port,
              "healthUrl": f"http://127.0.0.1:{port}/health", "strategy": "start-first",
              "canary": {"percent": 20, "seconds": int(os.environ["SECONDS_"]), "maxErrorRate": 0.2, "maxLatencyRatio": 50, "minRequests": 5}})
json.dump(environments, open(path, "w"), indent=2)
PY
git -C "$CLONE" commit --quiet -am "bench: its own names and port"
(cd "$CLONE" && run_logged "$WORK/first.log" ./build.sh --target=deploy)

deploy_in_clone() { # STRATEGY LOG : the clone's deploy with STRATEGY, its output in LOG (a failure shows its end: run_logged)
  (cd "$CLONE" && run_logged "$2" ./build.sh --target=deploy --strategy="$1")
}

deploy_ms() { # STRATEGY ROUND : one change committed, then its deploy with STRATEGY while polled; prints its wall time in ms
  local ms
  echo "# bench: canary $2 $1 $(date +%s%N)" >>"$CLONE/$CHANGED"
  git -C "$CLONE" commit --quiet -am "bench: a change deployed $1"
  ms=$(elapsed_ms polled "$WORK/$1-$2" "$HEALTH" deploy_in_clone "$1" "$WORK/$1-$2.log") || exit
  echo $((ms - 2000)) # polled's second before and after are not the deploy's
}

start_first=()
canary=()
for round in $(seq 1 "$ROUNDS"); do
  result=$(deploy_ms start-first "$round") # an assignment, so that a failed run stops the script
  start_first+=("$result")
  result=$(deploy_ms canary "$round")
  canary+=("$result")
done
sf=$(median "${start_first[@]}")
ca=$(median "${canary[@]}")
added=$(((ca - sf) / 100))
added="$((added / 10)).$((added % 10))"
verdict=$(grep -o 'The canary.s window: .*' "$WORK/canary-1.log" | head -1)
load=$(cut -d' ' -f1-3 /proc/loadavg)
when="$(date -u +%Y-%m-%d), commit $(git -C "$ROOT" rev-parse --short HEAD), $(nproc) cores, Docker $(docker version --format '{{.Server.Version}}'), load average $load (other checkouts' runs beside it)"
echo "bench: start-first deploy ${sf} ms, canary deploy ${ca} ms (canary.seconds ${CANARY_SECONDS}): the canary adds ${added} s"

write_section canary "## Canary: the seconds a canary adds to a start-first deploy

Command: \`bench/canary.sh\` ($when). In a scratch clone with its own names and port, $ROUNDS
round(s) of: a change committed and deployed with \`--strategy=start-first\`, then another deployed with
\`--strategy=canary\` (20% of requests for canary.seconds = $CANARY_SECONDS s), while a client asks /health through the
edge 20 times a second. Median wall time of \`./build.sh --target=deploy\` (the image build included).

| deploy | median | runs (ms) |
|---|---|---|
| start-first | $sf ms | ${start_first[*]} |
| canary | $ca ms | ${canary[*]} |
| **added by the canary** | **$added s** | canary.seconds is $CANARY_SECONDS s of it |

The first canary's judgement: ${verdict:-not logged}."
