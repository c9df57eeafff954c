#!/usr/bin/env bash
# A forced deploy + verify to an ssh:// Docker host on this machine beside the same deploy on the local
# engine, in one run: the same release, strategy, settle and health settings; only the way to the engine
# differs. Both have a registry (docker-registry, on this machine), as staging and prod do: the host pulls the
# release by its digest (its layers are there already) where the local engine runs the image it built. The ssh host is a container of the test suite's ssh host image (sshd and the docker CLI on this
# machine's engine socket: tests/QtsOps.Tests/Docker/SshTestHost.cs), so the engine does the same work and
# the difference is what ssh costs. Medians of RUNS runs each, taken in turns, after one untimed deploy of
# each; also counts the ssh connections one deploy + verify opens (sshd's "Accepted publickey" lines).
# In a scratch clone of REF (default HEAD) in .qtsops/bench/remote-<commit>/repo, with its own containers, network,
# image and ports: the checkouts' deployments are left alone. Writes docs/BENCHMARKS.md section "remote".
# Usage: bench/remote.sh [RUNS] [REF]   (default 5 HEAD)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-5}"
REF="${2:-HEAD}"
COMMIT=$(git -C "$ROOT" rev-parse --short "$REF")
WORK="$ROOT/.qtsops/bench/remote-$COMMIT" # one per commit, so that two commits can be measured at once
CLONE="$WORK/repo"
DEPLOY_ROOT="$WORK/deploy-root"
HOST="qtsops-bench-ssh-$$"
NAME="qtsops-bench-remote-$COMMIT"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

IMAGE=$(docker images --format '{{.Repository}}:{{.Tag}}' qtsops-test/ssh-host | head -1)
if [ -z "$IMAGE" ]; then
  echo "bench: no qtsops-test/ssh-host image on this engine. Fix: build it once with" >&2
  echo "  ./build.sh --target=test --test-filter='FullyQualifiedName~SshDeploymentHostTests'" >&2
  exit 1
fi

cleanup() {
  if [ -n "${REGISTRY_PID:-}" ]; then kill "$REGISTRY_PID" 2>/dev/null || true; fi
  docker rm --force "$HOST" >/dev/null 2>&1 || true
  for environment in local ssh; do
    docker rm --force "$NAME-$environment" "$NAME-$environment-a" "$NAME-$environment-b" "$NAME-$environment-edge" >/dev/null 2>&1 || true
    docker network rm "$NAME-$environment" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

clone_at "$CLONE" "$REF"
cleanup
rm -rf "$DEPLOY_ROOT" "$WORK/id" "$WORK/id.pub"
mkdir -p "$DEPLOY_ROOT"
start_registry "$WORK/registry"
ssh-keygen -q -t ed25519 -N "" -C qtsops-bench -f "$WORK/id"
docker run --detach --name "$HOST" --publish 127.0.0.1::22 \
  --volume /var/run/docker.sock:/var/run/docker.sock --volume "$DEPLOY_ROOT:$DEPLOY_ROOT" \
  --env "AUTHORIZED_KEY=$(cat "$WORK/id.pub")" --env "DEPLOY_ROOT=$DEPLOY_ROOT" "$IMAGE" >/dev/null
until docker logs "$HOST" 2>&1 | grep -q "Server listening"; do sleep 0.1; done
SSH_PORT=$(docker port "$HOST" 22 | head -1 | sed 's/.*://')
read -r key_type key _ < <(docker exec "$HOST" cat /etc/ssh/ssh_host_ed25519_key.pub)
export QTSOPS_SSH_KEY_FILE="$WORK/id" QTSOPS_SSH_KNOWN_HOSTS="[127.0.0.1]:$SSH_PORT $key_type $key"

# Two environments from 'local', alike but for the engine and where their files are.
NAME="$NAME" REGISTRY="$REGISTRY" DEPLOY_ROOT="$DEPLOY_ROOT" SSH_PORT="$SSH_PORT" LOCAL_PORT="$(free_port)" REMOTE_PORT="$(free_port)" python3 - "$CLONE" <<'PY'
import json, os, re, sys
clone = sys.argv[1]
text = open(os.path.join(clone, "environments.json")).read()
catalogue = json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.M))
local = dict(catalogue.get("defaults", {}), **catalogue["local"])  # local as it is after its defaults
name, root = os.environ["NAME"], os.environ["DEPLOY_ROOT"]
def environment(which, port):
    e = dict(local, description=f"bench: {which}", composeProject=f"{name}-{which}", containerName=f"{name}-{which}",
             network=f"{name}-{which}", imageRepository=name, registry=os.environ["REGISTRY"], registryTls=False, port=int(port), healthUrl=f"http://127.0.0.1:{port}/health")
    return e
# local here, staging on the ssh host.
environments = {"local": environment("local", os.environ["LOCAL_PORT"]), "staging": environment("ssh", os.environ["REMOTE_PORT"])}
remote = environments["staging"]
remote["dockerHost"] = f"ssh://qtsops@127.0.0.1:{os.environ['SSH_PORT']}"
for key, path in {"deployDirectory": "deploy", "dataDirectory": "deploy/data", "logDirectory": "deploy/logs",
                  "configDirectory": "deploy/config", "backupDirectory": "backups"}.items():
    remote[key] = f"{root}/{path}"
open(os.path.join(clone, "bench-environments.json"), "w").write(json.dumps(environments, indent=2))
PY

deploy() { # ENV [TARGET...] : a forced deploy + verify of the clone's release to ENV (after the targets given)
  local environment="$1" targets=()
  shift
  for target in "$@" deploy verify; do targets+=("--target=$target"); done
  (cd "$CLONE" && ./build.sh --environments=bench-environments.json --env="$environment" "${targets[@]}" --force-deploy)
}

logins() { docker logs "$HOST" 2>&1 | grep -c "Accepted publickey" || true; }

# Untimed: builds the image, installs the first release; pushes it for the host to pull.
run_logged "$WORK/first-local.log" deploy local
run_logged "$WORK/first-ssh.log" deploy staging push
before=$(logins)
run_logged "$WORK/count.log" deploy staging
connections=$(($(logins) - before))

local_times=() remote_times=()
for _ in $(seq 1 "$RUNS"); do
  local_times+=("$(elapsed_ms deploy local)")
  remote_times+=("$(elapsed_ms deploy staging)")
done
local_ms=$(median "${local_times[@]}")
remote_ms=$(median "${remote_times[@]}")
ratio=$(awk -v a="$remote_ms" -v b="$local_ms" 'BEGIN { printf "%.2f", a / b }')

write_section remote "## Remote: a deploy over ssh beside the same deploy on the local engine

Command: \`bench/remote.sh $RUNS\` at $COMMIT (median of $RUNS runs each, taken in turns, $(nproc) cores, $(date -u +%Y-%m-%d), $(ssh -V 2>&1 | cut -d, -f1), docker $(docker version --format '{{.Client.Version}}')).
Each run: \`./build.sh --target=deploy --target=verify --force-deploy\` of the same release, with the settle and health settings of environments.json's \`local\`;
the ssh host is a container on this machine's engine, so the engine's work is the same and the difference is ssh's.

| environment | median | runs (ms) |
|---|---|---|
| local engine | ${local_ms} ms | ${local_times[*]} |
| ssh:// host on this machine | ${remote_ms} ms | ${remote_times[*]} |

Ratio ssh / local: **${ratio}** (goal: at most 1.3). ssh connections one deploy + verify opened to the host: **${connections}**."
echo "local ${local_ms} ms, ssh ${remote_ms} ms, ratio ${ratio}, ssh connections per deploy + verify ${connections}"
