#!/usr/bin/env bash
# The developer's inner loop on the local environment, in a scratch clone of REF (default HEAD)
# (.qtsops/bench/inner-loop-<commit>/repo): one observer source file changed, then
#   pipeline: `./build.sh` until it exits 0 (deployed and verified);
#   bare:     what a person would do by hand with no checks: build the image from the package,
#             `compose up -d` (a container of its own beside the pipeline's), poll /health until 200.
# Each is run RUNS times (default 5), alternating, each after its own change; prints and writes the
# medians and their ratio, and the observer image's size beside its base image's, to docs/BENCHMARKS.md
# (sections "inner-loop" and "image-size"). The clone's 'local' gets its own container, project, network,
# image and a free port (bench-environments.json), and the bare flow another free port, so that the checkouts'
# deployments (port 8000) are left alone; both are removed at the end. Needs root (it gives the bare flow's folders to uid 10001).
# Usage: bench/inner-loop.sh [RUNS] [REF]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-5}"
REF="${2:-HEAD}"
COMMIT=$(git -C "$ROOT" rev-parse --short "$REF")
WORK="$ROOT/.qtsops/bench/inner-loop-$COMMIT" # one per commit, so that two commits can be measured at once
CLONE="$WORK/repo"
NAME="qtsops-bench-inner-$COMMIT"
CHANGED=src/observer/src/qts_observer/health.py
PACKAGED=src/qts_observer/health.py # the same file in the package (the package holds src/observer/ at its root)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# The bare flow runs the service alone: its port is in the publish file.
if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose --compatibility); fi
compose+=(-f docker-compose.yml -f docker-compose.publish.yml)

change() { echo "# inner-loop change $1 $(date +%s%N)" >>"$CLONE/$CHANGED"; }

pipeline() { (cd "$CLONE" && ./build.sh --environments=bench-environments.json); }

remove_deployments() { # the clone's (one container, or the slots and the edge) and the bare flow's
  docker rm --force "$NAME" "$NAME-a" "$NAME-b" "$NAME-edge" "$NAME-bare" >/dev/null 2>&1 || true
  docker network rm "$NAME" "$NAME-bare" >/dev/null 2>&1 || true
}

bare() { # the package the last pipeline run made, built and started by hand beside the pipeline's container
  local package="$CLONE/artifacts/package/qts_ops_deploy"
  # elapsed_ms runs it as a condition, where set -e stops nothing: a failed step returns its status itself.
  cp "$CLONE/$CHANGED" "$package/$PACKAGED" || return
  docker build --quiet --build-arg "BASE_IMAGE=$BASE" -t "$NAME:bare" "$package" || return
  (cd "$package" && QTS_OBSERVER_IMAGE="$NAME:bare" QTS_OBSERVER_CONTAINER="$NAME-bare" \
    QTS_OBSERVER_NETWORK="$NAME-bare" QTS_OBSERVER_PORT="$BARE_PORT" QTS_OBSERVER_HEALTH_INTERVAL=1s \
    QTS_OBSERVER_HOST_DATA="$WORK/bare/data" QTS_OBSERVER_HOST_LOGS="$WORK/bare/logs" QTS_OBSERVER_HOST_CONFIG="$WORK/bare/config" \
    "${compose[@]}" --project-name "$NAME-bare" up -d) || return
  until curl --silent --fail --max-time 1 "$BARE_HEALTH" >/dev/null; do sleep 0.05; done
}

clone_at "$CLONE" "$REF"
remove_deployments
trap remove_deployments EXIT
BARE_PORT=$(free_port)
BARE_HEALTH="http://127.0.0.1:$BARE_PORT/health"
# 'local' as it is after its defaults, with names of its own and a free port.
NAME="$NAME" PORT="$(free_port)" python3 - "$CLONE" <<'PY'
import json, os, re, sys
clone = sys.argv[1]
text = open(os.path.join(clone, "environments.json")).read()
catalogue = json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.M))
name, port = os.environ["NAME"], int(os.environ["PORT"])
local = dict(catalogue.get("defaults", {}), **catalogue["local"])
local.update(composeProject=name, containerName=name, network=name, imageRepository=name, port=port, healthUrl=f"http://127.0.0.1:{port}/health")
open(os.path.join(clone, "bench-environments.json"), "w").write(json.dumps({"local": local}, indent=2))
PY
rm -rf "$WORK/bare"
mkdir -p "$WORK/bare/data" "$WORK/bare/logs" "$WORK/bare/config"
chown 10001:10001 "$WORK/bare/data" "$WORK/bare/logs" # the service's user; the pipeline does this for its own folders
echo "bench: first deploy"
run_logged "$WORK/pipeline.log" pipeline
[ -f "$CLONE/artifacts/package/qts_ops_deploy/$PACKAGED" ] || { echo "bench: the package has no $PACKAGED: fix PACKAGED" >&2; exit 1; }
BASE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["baseImage"])' "$CLONE/artifacts/reports/image.json")

pipeline_ms=() bare_ms=()
for run in $(seq 1 "$RUNS"); do
  change "pipeline-$run"
  pipeline_ms+=("$(elapsed_ms pipeline)")
  change "bare-$run"
  bare_ms+=("$(elapsed_ms bare)")
  echo "bench: run $run: pipeline ${pipeline_ms[-1]} ms, bare ${bare_ms[-1]} ms"
done
remove_deployments
docker image rm "$NAME:bare" >/dev/null 2>&1 || true

pipeline_median=$(median "${pipeline_ms[@]}")
bare_median=$(median "${bare_ms[@]}")
ratio=$(awk -v p="$pipeline_median" -v b="$bare_median" 'BEGIN { printf "%.1f", p / b }')
image_mb=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%.1f %.1f" % (r["size"] / 1e6, r["baseSize"] / 1e6))' "$CLONE/artifacts/reports/image.json")
read -r image base_mb <<<"$image_mb"
when="$(date -u +%Y-%m-%d), commit $COMMIT, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"
echo "bench: pipeline ${pipeline_median} ms, bare ${bare_median} ms, ratio ${ratio}; image ${image} MB, base ${base_mb} MB"

write_section inner-loop "## Inner loop: one source file changed, until verified

Command: \`bench/inner-loop.sh $RUNS\` ($RUNS runs each, alternating, medians; $when).
Pipeline: \`./build.sh\` (validate, package, image, plan, deploy, verify) until it exits 0. Bare: by
hand with no checks: \`docker build\` of the package, \`compose up -d\`, poll /health until 200.
Goal: the pipeline at most 2 times the bare flow (issue 26).

| pipeline | bare | ratio |
|---|---|---|
| $(awk -v v="$pipeline_median" 'BEGIN { printf "%.1f s", v / 1000 }') | $(awk -v v="$bare_median" 'BEGIN { printf "%.1f s", v / 1000 }') | $ratio |

Each run (ms): pipeline ${pipeline_ms[*]}; bare ${bare_ms[*]}.

![Each run of the pipeline against the bare flow](charts/inner-loop.svg)"
python3 "$ROOT/bench/chart.py" inner-loop

write_section image-size "## Image size

Measured by \`bench/inner-loop.sh\` ($when), as \`docker image ls\` shows it (10^6 bytes); the image
task logs the same figures. Goal: at most 60 MB.

| image | size |
|---|---|
| qts-observer (FROM scratch: Python and the modules the service imports) | $image MB |
| base image \`$BASE\` (the build stages' base) | $base_mb MB |"
