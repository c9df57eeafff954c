# shellcheck shell=bash # sourced by build/lab.sh and bench/lib.sh, so no shebang
# The test registry the lab and the bench scripts start: Debian's docker-registry (no login, deletes
# allowed) on an address of this machine's loopback, its config, storage and log in a folder.

registry_answers_at() { # HOST:PORT : whether something accepts a connection there
  (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null
}

serve_registry() { # DIR HOST:PORT TIMEOUT_SECONDS : starts the registry in its own session, sets REGISTRY_PID (also when
  # it fails, for the caller to stop) and waits until it answers; returns 1, its log's end printed, when it exits or
  # does not answer in time.
  local dir="$1" address="$2" deadline=$((SECONDS + $3))
  mkdir -p "$dir/storage"
  printf 'version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n' \
    "$dir/storage" "$address" >"$dir/config.yml"
  setsid /usr/bin/docker-registry serve "$dir/config.yml" </dev/null >"$dir/registry.log" 2>&1 &
  REGISTRY_PID=$!
  until registry_answers_at "$address"; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "$REGISTRY_PID" 2>/dev/null; then
      tail -20 "$dir/registry.log" >&2
      return 1
    fi
    sleep 0.2
  done
}
