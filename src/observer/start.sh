#!/usr/bin/env bash
# Starts the QTS Observer from an extracted deploy package and waits until it is healthy.
# Usage: ./start.sh    (settings: see README.md, "Environment")
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

IMAGE_TAR="${QTS_OBSERVER_IMAGE_TAR:-qts-observer-image.tar}"
TIMEOUT_SECONDS="${QTS_OBSERVER_START_TIMEOUT:-120}"
CONTAINER="${QTS_OBSERVER_CONTAINER:-qts-observer}"
SERVICE_UID=10001
SERVICE_GID=10001

die() { echo "start.sh: $*" >&2; exit 1; }
info() { echo "start.sh: $*"; }

command -v docker >/dev/null 2>&1 || die "docker is not installed"
docker info >/dev/null 2>&1 || die "the Docker engine is not reachable (is dockerd running, may this user use it?)"

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose -f docker-compose.yml -f docker-compose.publish.yml)
elif command -v docker-compose >/dev/null 2>&1; then
  # Compose v1 applies deploy.resources (CPU and memory limits) only in compatibility mode.
  compose=(docker-compose --compatibility -f docker-compose.yml -f docker-compose.publish.yml)
else
  die "neither 'docker compose' nor 'docker-compose' is installed"
fi

if [[ -f "$IMAGE_TAR" ]]; then
  info "loading the image from $IMAGE_TAR"
  loaded="$(docker load -i "$IMAGE_TAR" | sed -n 's/^Loaded image: //p' | head -n 1)"
  # Run what was shipped, unless the operator named another image.
  if [[ -z "${QTS_OBSERVER_IMAGE:-}" && -n "$loaded" ]]; then
    export QTS_OBSERVER_IMAGE="$loaded"
  fi
fi
IMAGE="${QTS_OBSERVER_IMAGE:-qts-observer:latest}"
export QTS_OBSERVER_IMAGE="$IMAGE"

if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  info "image $IMAGE is not on this host; building it from the Dockerfile"
  "${compose[@]}" build
fi

# The service runs as uid 10001 and must be able to write the bind-mounted data and log dirs.
mkdir -p data logs config
chmod -R a+rX config
if [[ "$(id -u)" -eq 0 ]]; then
  chown -R "$SERVICE_UID:$SERVICE_GID" data logs
else
  # Without root, the engine (which is root) changes the owner through a throwaway container of the
  # image, which has Python and no chown.
  docker run --rm --user 0:0 --entrypoint python3 -v "$PWD/data:/d" -v "$PWD/logs:/l" "$IMAGE" -c \
    'import os, sys; uid, gid = int(sys.argv[1]), int(sys.argv[2]); [os.chown(os.path.join(r, n), uid, gid, follow_symlinks=False) for t in sys.argv[3:] for r, ds, fs in os.walk(t) for n in ["."] + ds + fs]' \
    "$SERVICE_UID" "$SERVICE_GID" /d /l
fi

info "starting $CONTAINER from $IMAGE"
"${compose[@]}" up -d

deadline=$((SECONDS + TIMEOUT_SECONDS))
while true; do
  state="$(docker inspect -f \
    '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.RestartCount}}' "$CONTAINER")" \
    || die "container $CONTAINER was not created"
  read -r health restarts <<<"$state"
  if [[ "$health" == healthy ]]; then
    break
  fi
  if [[ "$health" == unhealthy || "$restarts" -gt 0 || "$SECONDS" -ge "$deadline" ]]; then
    docker logs --tail 50 "$CONTAINER" >&2 || true
    die "$CONTAINER did not become healthy (health: $health, restarts: $restarts)"
  fi
  sleep 2
done

info "$CONTAINER is healthy: http://${QTS_OBSERVER_BIND:-127.0.0.1}:${QTS_OBSERVER_PORT:-8000}/health"
