#!/usr/bin/env bash
# A rollout to one host and to three (issue 24, "Benchmark"): on a lab of three independent Docker hosts with
# sshd (build/lab.sh up --ssh), the 'fleet' environment the lab writes (every node a host, ssh://root@ADDRESS).
# After a first rollout to all three (untimed: it copies the images to each host), `./build.sh --target=deploy`
# of an upgrade (a changed, committed observer file) to one host (--hosts=NODE1), to the three in groups of one,
# and to the three in one group of three. Each release's image is built before, untimed, so each times the
# rollout itself (preflight, locks, the image copied to each host over ssh, start-first, verify). Prints the
# seconds of each and three hosts in one group / one host against the goal 1.5. In a scratch clone of HEAD
# (.qtsops/bench/fleet/repo); the lab and the images it tagged go at its end, however it ends. Needs root (the
# lab). Writes docs/BENCHMARKS.md section "fleet".
# Usage: bench/fleet.sh
set -euo pipefail

LAB="fbench$$"
CHANGED=src/observer/src/qts_observer/health.py
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD)
WORK="$ROOT/.qtsops/bench/fleet"
CLONE="$WORK/repo"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

cleanup() { "$ROOT/build/lab.sh" down --name "$LAB" >/dev/null 2>&1 || true; }
trap cleanup EXIT

clone_at "$CLONE" HEAD
echo "bench: lab $LAB up (3 hosts with sshd)"
run_logged "$WORK/lab.log" "$ROOT/build/lab.sh" up --name "$LAB" --nodes 3 --ssh
STATE_FILE=$(tail -1 "$WORK/lab.log" | sed 's/^state: //')
LAB_DIR=$(dirname "$STATE_FILE")
FIRST_HOST=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["nodes"][0]["name"])' "$STATE_FILE")

# The lab's file as it is (groups of one), and the same with one group of three; in the clone's .qtsops (ignored by git).
mkdir -p "$CLONE/.qtsops"
cp "$LAB_DIR/environments.json" "$CLONE/.qtsops/groups-of-1.json"
python3 - "$LAB_DIR/environments.json" "$CLONE/.qtsops/groups-of-3.json" <<'PY'
import json, sys
environments = json.load(open(sys.argv[1]))
environments["fleet"]["rollout"] = {"groupSize": 3, "waitSeconds": 0}
open(sys.argv[2], "w").write(json.dumps(environments, indent=2))
PY
export QTSOPS_SSH_KEY_FILE="$LAB_DIR/ssh/id_ed25519"
QTSOPS_SSH_KNOWN_HOSTS="$(cat "$LAB_DIR/ssh/known_hosts")"
export QTSOPS_SSH_KNOWN_HOSTS

pipeline() { # FILE TARGET [OPTION...] : ./build.sh --target=TARGET of the clone's release to 'fleet' as FILE sets it
  local file="$1" target="$2"
  shift 2
  (cd "$CLONE" && ./build.sh --environments=".qtsops/$file.json" --env=fleet --target="$target" "$@")
}

upgrade() { # a new release, its image built untimed
  echo "# bench: an upgrade $(date +%s%N)" >>"$CLONE/$CHANGED"
  git -C "$CLONE" commit --quiet -am "bench: an upgrade"
  run_logged "$WORK/image.log" pipeline groups-of-1 image
}

upgrade
echo "bench: a first rollout to the three hosts (untimed)"
run_logged "$WORK/first.log" pipeline groups-of-3 deploy
upgrade
load="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: rollouts of an upgrade (load average $load)"
one_ms=$(elapsed_ms pipeline groups-of-3 deploy "--hosts=$FIRST_HOST")
upgrade
three_by_one_ms=$(elapsed_ms pipeline groups-of-1 deploy)
upgrade
three_at_once_ms=$(elapsed_ms pipeline groups-of-3 deploy)
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
ratio=$(awk -v a="$three_at_once_ms" -v b="$one_ms" 'BEGIN { printf "%.2f", a / b }')
if awk -v ratio="$ratio" 'BEGIN { exit !(ratio <= 1.5) }'; then verdict="met"; else verdict="not met"; fi

echo "bench: one host $(seconds "$one_ms") s; three in groups of one $(seconds "$three_by_one_ms") s; three in one group $(seconds "$three_at_once_ms") s"
echo "bench: three hosts in one group / one host: $ratio (goal: at most 1.5)"

write_section fleet "## Fleet: a rollout to one host and to three

Command: \`sudo bench/fleet.sh\` at $COMMIT ($(date -u +%Y-%m-%d), $(nproc) cores, Docker $(docker version --format '{{.Server.Version}}'), load average $load before the rollouts and $load_after after).
\`./build.sh --target=deploy\` of an upgrade (a changed, committed observer file) to 'fleet', the lab's three
independent hosts over ssh (\`build/lab.sh up --nodes 3 --ssh\`, start-first): to one host (\`--hosts\`), to the
three in groups of one (each verified before the next starts), and to the three in one group. Each release's
image is built before, untimed; each rollout runs every host's preflight at once, takes the three locks,
saves the image once and loads it on each host over ssh (docker save | docker load), starts it beside the old
release, verifies it and switches. A first rollout to the three, untimed, put the edge's image on each host. One run.

| rollout | seconds |
|---|---|
| one host | $(seconds "$one_ms") |
| three hosts, groups of one | $(seconds "$three_by_one_ms") |
| three hosts, one group | $(seconds "$three_at_once_ms") |

Three hosts in one group / one host: **$ratio**; the goal (at most 1.5) is **$verdict**. The hosts of a group
deploy at once, so what grows with them is what they share: the one ssh client and this machine's two cores, which
the three hosts' dockerds, containers, health checks and docker clients share."
