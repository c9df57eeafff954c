#!/usr/bin/env bash
# Runs the QtsOps pipeline: ./build.sh [--target=NAME ...] [--env=local|staging|prod] [...]
# Builds the pipeline program once, then runs it directly while its inputs are unchanged:
# `dotnet run` would pay MSBuild's up-to-date check (about 2 s) on every call.
# The pipeline sets up what the run needs on this machine (build/setup.sh; --no-setup turns that off).
# build.ps1 does the same: same inputs hash, same build lock, same arguments and exit codes.
# `sh build.sh` runs this under a POSIX sh (dash), which stops at the first bash-only line with a cryptic error.
if [ -z "${BASH_VERSION:-}" ]; then
  echo "build.sh: error: run it with bash, not sh: ./build.sh or bash build.sh" >&2
  exit 1
fi
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOST_DIR="$ROOT/.qtsops/host"
PROGRAM="$HOST_DIR/bin/QtsOps.Build"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

inputs_hash() {
  (cd "$ROOT" && find build global.json Directory.Build.props -type f \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' \) \
      -not -path '*/bin/*' -not -path '*/obj/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

# The dotnet that satisfies global.json: the one on PATH, else one installed under .dotnet/.
find_dotnet() {
  if command -v dotnet >/dev/null 2>&1 && (cd "$ROOT" && dotnet --version >/dev/null 2>&1); then
    command -v dotnet; return
  fi
  if [ -x "$ROOT/.dotnet/dotnet" ] && (cd "$ROOT" && "$ROOT/.dotnet/dotnet" --version >/dev/null 2>&1); then
    echo "$ROOT/.dotnet/dotnet"; return
  fi
  echo "build.sh: no .NET SDK on PATH satisfies global.json; installing it into .dotnet/" >&2
  local script="$ROOT/.dotnet/dotnet-install.sh"
  mkdir -p "$ROOT/.dotnet"
  if ! curl -fsSL --retry 2 https://dot.net/v1/dotnet-install.sh -o "$script"; then
    echo "build.sh: error: could not download Microsoft's dotnet-install script (no network?)." >&2
    echo "  Install the .NET SDK named in global.json yourself and put 'dotnet' on PATH, then run again." >&2
    exit 1
  fi
  if ! bash "$script" --jsonfile "$ROOT/global.json" --install-dir "$ROOT/.dotnet" >&2; then
    echo "build.sh: error: dotnet-install could not install the SDK named in global.json (see above)." >&2
    exit 1
  fi
  echo "$ROOT/.dotnet/dotnet"
}

HASH="$(inputs_hash)"
if [ ! -x "$PROGRAM" ] || [ "$(cat "$HOST_DIR/inputs.sha256" 2>/dev/null)" != "$HASH" ]; then
  DOTNET="$(find_dotnet)"
  mkdir -p "$HOST_DIR"
  # One build at a time: concurrent runs wait for the first build, then reuse it.
  exec 9>"$HOST_DIR/build.lock"
  command -v flock >/dev/null 2>&1 && flock 9
  if [ ! -x "$PROGRAM" ] || [ "$(cat "$HOST_DIR/inputs.sha256" 2>/dev/null)" != "$HASH" ]; then
    echo "build.sh: building the pipeline (inputs changed)" >&2
    rm -f "$HOST_DIR/inputs.sha256"
    if ! LOG="$("$DOTNET" publish "$ROOT/build/QtsOps.Build/QtsOps.Build.csproj" -c Release --use-current-runtime -o "$HOST_DIR/bin" -nologo -clp:ErrorsOnly 2>&1)"; then
      echo "$LOG" >&2
      echo "build.sh: error: the pipeline does not compile (see above)." >&2
      exit 1
    fi
    echo "$HASH" > "$HOST_DIR/inputs.sha256"
    dirname "$DOTNET" > "$HOST_DIR/dotnet-root"
  fi
  exec 9>&-
fi

# The built program finds the runtime of the SDK that built it (matters for a .dotnet/ install).
DOTNET_ROOT_DIR="$(cat "$HOST_DIR/dotnet-root" 2>/dev/null || true)"
if [ -n "$DOTNET_ROOT_DIR" ] && [ -d "$DOTNET_ROOT_DIR/shared" ]; then export DOTNET_ROOT="$DOTNET_ROOT_DIR"; fi
cd "$ROOT"
exec "$PROGRAM" "$@"
