#!/usr/bin/env bash
# Sets up what the tests need on a fresh CI machine, with the setup ./build.sh --target=test runs
# (build/setup.sh: packages, dockerd), and stops the dockerd that setup started.
# Usage: .ci/services.sh start|stop
set -euo pipefail

SETUP="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/setup.sh"

case "${1:-}" in
  start) "$SETUP" --target=test ;;
  stop) "$SETUP" --stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
