#!/usr/bin/env bash
# A release on a 3-node swarm beside the same release on one engine (issue 23, "Benchmark"): on a lab of three
# Docker hosts (build/lab.sh up --swarm, this machine's registry on every node) an environment 'cluster' on the
# swarm (two replicas on the three nodes, start-first, through the manager's socket), and beside it an
# environment 'single' on this machine's engine (start-first, its own containers, project, network and port).
# For each, `./build.sh --target=deploy` of a first release, then of an upgrade (a changed, committed observer
# file) while bench/poll.py asks /health 20 times a second at every node's published port (the cluster) or at
# the port (one engine). The image of each release is built untimed before its deploys, so both time the
# deploy itself; the cluster's also pushes the image and the edge's to the registry and the nodes pull them.
# Prints the seconds of each deploy and upgrade, the failed requests, and upgrade(3 nodes) / upgrade(one
# engine) against the goal 2. In a scratch clone of HEAD (.qtsops/bench/cluster/repo); the checkouts'
# deployments are left alone; the lab, the registry, the containers and the images it made go at its end,
# however it ends. Needs root (the lab). Writes docs/BENCHMARKS.md section "cluster".
# Usage: bench/cluster.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/.qtsops/bench/cluster"
CLONE="$WORK/repo"
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD)
NAME="qtsops-bench-cluster-$COMMIT"
LAB="cbench$$"
CHANGED=src/observer/src/qts_observer/health.py
CLUSTER_PORT=8000 # the port the lab's cluster environment publishes on each node, in its own network namespace
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

cleanup() {
  "$ROOT/build/lab.sh" down --name "$LAB" >/dev/null 2>&1 || true
  if [ -n "${REGISTRY_PID:-}" ]; then kill "$REGISTRY_PID" 2>/dev/null || true; fi
  docker rm --force "$NAME-a" "$NAME-b" "$NAME-edge" >/dev/null 2>&1 || true
  docker network rm "$NAME" >/dev/null 2>&1 || true
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep -F "$NAME" | xargs --no-run-if-empty docker image rm --force >/dev/null 2>&1 || true
}
trap cleanup EXIT

clone_at "$CLONE" HEAD
cleanup
start_registry "$WORK/registry"
echo "bench: lab $LAB up (3 nodes, swarm, registry $REGISTRY)"
run_logged "$WORK/lab.log" "$ROOT/build/lab.sh" up --name "$LAB" --nodes 3 --swarm --registry "$REGISTRY"
STATE_FILE=$(tail -1 "$WORK/lab.log" | sed 's/^state: //')

lab_nodes() { # KEY : that key of each of the lab's nodes, one a line
  python3 -c 'import json, sys; print("\n".join(node[sys.argv[2]] for node in json.load(open(sys.argv[1]))["nodes"]))' "$STATE_FILE" "$1"
}

# In the clone's .qtsops (ignored by git), so that the releases are clean commits.
mkdir -p "$CLONE/.qtsops"
# 'cluster' is the lab's own (build/lab.sh writes it: two replicas, start-first, one at a time, monitored 3 s)
# with this bench's names; 'single' is 'local' (after its defaults) with its own names and port, the lab's
# settle and health settings and the same image, so that one build serves both.
SINGLE_PORT=$(free_port)
NAME="$NAME" SINGLE_PORT="$SINGLE_PORT" LAB_ENVIRONMENTS="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["environments"])' "$STATE_FILE")" \
  python3 - "$CLONE" <<'PY'
import json, os, re, sys
clone, name, single_port = sys.argv[1], os.environ["NAME"], int(os.environ["SINGLE_PORT"])
lab = json.load(open(os.environ["LAB_ENVIRONMENTS"]))
cluster = dict(lab["defaults"], **lab["cluster"])
cluster.update(description="bench: the lab's swarm", composeProject=f"{name}-cluster", network=f"{name}-cluster", imageRepository=name)
text = open(os.path.join(clone, "environments.json")).read()
catalogue = json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.M))
single = dict(catalogue.get("defaults", {}), **catalogue["local"])
single.update({key: cluster[key] for key in ("imageRepository", "registry", "registryTls", "bootstrapBaseImage", "settleSeconds", "healthIntervalSeconds", "healthTimeoutSeconds")})
single.update(description="bench: one engine", strategy="start-first", composeProject=name, containerName=name,
              network=name, port=single_port, healthUrl=f"http://127.0.0.1:{single_port}/health",
              deployDirectory=".qtsops/deploy/single", dataDirectory=".qtsops/deploy/single/data", logDirectory=".qtsops/deploy/single/logs",
              configDirectory=".qtsops/deploy/single/config", backupDirectory=".qtsops/backups/single")
open(os.path.join(clone, ".qtsops", "bench-environments.json"), "w").write(json.dumps({"single": single, "cluster": cluster}, indent=2))
PY

pipeline() { # ENV TARGET : ./build.sh --target=TARGET of the clone's release for ENV
  (cd "$CLONE" && ./build.sh --environments=.qtsops/bench-environments.json --env="$1" --target="$2")
}

build_image() { # the clone's release's image, untimed (both environments name the same image)
  run_logged "$WORK/image.log" pipeline single image
}

build_image
echo "bench: first deploys"
cluster_first_ms=$(elapsed_ms pipeline cluster deploy)
single_first_ms=$(elapsed_ms pipeline single deploy)

echo "# bench: an upgrade $(date +%s)" >>"$CLONE/$CHANGED"
git -C "$CLONE" commit --quiet -am "bench: an upgrade"
build_image
load="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: upgrades (load average $load)"
node_urls=$(lab_nodes address | sed "s|.*|http://&:$CLUSTER_PORT/health|" | tr '\n' ' ')
cluster_upgrade_ms=$(polled "$WORK/cluster-upgrade" "$node_urls" elapsed_ms pipeline cluster deploy)
single_upgrade_ms=$(polled "$WORK/single-upgrade" "http://127.0.0.1:$SINGLE_PORT/health" elapsed_ms pipeline single deploy)

polls() { # LABEL : "requests failed gap" over the label's pollers: the sums, the longest gap
  cat "$WORK/$1"-*.poll | awk '{ requests += $1; failed += $2; if ($3 > gap) gap = $3 } END { print requests, failed, gap }'
}
read -r cluster_requests cluster_failed cluster_gap <<<"$(polls cluster-upgrade)"
read -r single_requests single_failed single_gap <<<"$(polls single-upgrade)"
ratio=$(awk -v a="$cluster_upgrade_ms" -v b="$single_upgrade_ms" 'BEGIN { printf "%.2f", a / b }')
if awk -v ratio="$ratio" 'BEGIN { exit !(ratio <= 2) }' && [ "$cluster_failed" -eq 0 ]; then verdict="met"; else verdict="not met"; fi
per_node=""
for poll in "$WORK"/cluster-upgrade-*.poll; do per_node+="${per_node:+, }$(cut -d' ' -f2 "$poll")/$(cut -d' ' -f1 "$poll")"; done

echo "bench: 3 nodes: first deploy $(seconds "$cluster_first_ms") s, upgrade $(seconds "$cluster_upgrade_ms") s, $cluster_failed/$cluster_requests requests failed (per node $per_node, gap $cluster_gap ms)"
echo "bench: one engine: first deploy $(seconds "$single_first_ms") s, upgrade $(seconds "$single_upgrade_ms") s, $single_failed/$single_requests requests failed (gap $single_gap ms)"
echo "bench: upgrade 3 nodes / one engine: $ratio (goal: at most 2)"

write_section cluster "## Cluster: a release on a 3-node swarm beside the same on one engine

Command: \`sudo bench/cluster.sh\` at $COMMIT ($(date -u +%Y-%m-%d), $(nproc) cores, Docker $(docker version --format '{{.Server.Version}}'), load average $load while the upgrades ran).
\`./build.sh --target=deploy\` of a first release, then of an upgrade (a changed, committed observer file), on
\`cluster\` (the lab's 3-node swarm, \`build/lab.sh up --nodes 3 --swarm\`: two replicas, start-first, one at a
time, monitored 3 s) and on \`single\` (this machine's engine, start-first), with the same settle and health
settings. Each release's image is built before, untimed; the cluster's deploy also pushes it and the edge's to
the registry on this machine and each node pulls them. During each upgrade bench/poll.py asks /health 20 times
a second at each node's published port (three clients) or at the engine's port (one); a request fails when it
gets no 200 within 0.5 s. One run.

| environment | first deploy | upgrade | requests during the upgrade | failed | longest without an answer |
|---|---|---|---|---|---|
| 3-node swarm | $(seconds "$cluster_first_ms") s | $(seconds "$cluster_upgrade_ms") s | $cluster_requests | $cluster_failed (per node: $per_node) | $cluster_gap ms |
| one engine | $(seconds "$single_first_ms") s | $(seconds "$single_upgrade_ms") s | $single_requests | $single_failed | $single_gap ms |

Upgrade 3 nodes / one engine: **$ratio**; the goal (at most 2, with 0 failed requests) is **$verdict**. The
difference is what a swarm does beyond one engine: the deploy pushes the release's image and the edge's to the
registry (the nodes pull the image by its digest), replaces the two tasks one after the other, each started
beside the old one and healthy before the old one stops, waits while the engine watches the new tasks
(\`monitorSeconds\`), and checks the edge service on every node; one engine starts one new container beside the
old one and switches its edge. The cluster's first deploy includes making the nodes' data, log and config folders."
