#!/usr/bin/env bash
# Sets up what the tests need on a fresh CI machine, with the setup the pipeline runs before its
# tests (build/setup.sh suite: packages, dockerd, the tools of the tests), and stops the dockerd that setup started.
# Usage: .ci/services.sh start|stop
set -euo pipefail

SETUP="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/setup.sh"

case "${1:-}" in
  start) "$SETUP" suite ;;
  stop) "$SETUP" --stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
