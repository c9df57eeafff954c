# shellcheck shell=bash # sourced, so no shebang: the bench scripts that source it are bash
# Helpers the bench scripts share: source it (expects ROOT).
# shellcheck source=build/registry.sh
source "$ROOT/build/registry.sh"

run_logged() { # LOG COMMAND... : runs COMMAND, its output in LOG, and returns its status; a failure shows the end of LOG and names it
  local log="$1" status=0
  shift
  "$@" >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    tail -30 "$log" >&2
    echo "bench: '$*' failed with status $status (its output: $log)" >&2
  fi
  return "$status"
}

elapsed_ms() { # COMMAND... : prints the wall time of one run in ms and returns COMMAND's status: under set -e a failed run
  # stops the bench, the end of its output shown (run_logged; the whole of it is kept in a file, the others are not)
  local log start end status=0
  log=$(mktemp "${TMPDIR:-/tmp}/qtsops-bench-XXXXXX.log")
  start=$(date +%s%N)
  run_logged "$log" "$@" || status=$?
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
  [ "$status" -ne 0 ] || rm -f "$log"
  return "$status"
}

seconds() { # MS : those milliseconds in seconds, one decimal
  awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'
}

median() { # numbers... : their median
  printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

median_ms() { # RUNS COMMAND... : the median wall time in ms of RUNS runs; the first failed run ends it with that run's status
  local runs="$1"; shift
  local times=()
  for _ in $(seq 1 "$runs"); do times+=("$(elapsed_ms "$@")") || return; done
  median "${times[@]}"
}

remove_local_deployment() { # the local environment's containers: one (recreate), or the slots and the edge (start-first)
  docker rm --force qts-observer qts-observer-a qts-observer-b qts-observer-edge >/dev/null 2>&1 || true
}

clone_head() { # CLONE : a fresh clone of ROOT's HEAD at CLONE that can commit, its pipeline program compiled
  # (not part of what is timed); the local deployment is removed first.
  remove_local_deployment
  clone_at "$1" HEAD
}

clone_at() { # CLONE REF : a fresh clone of ROOT at REF (a commit of ROOT) at CLONE that can commit, its pipeline program compiled;
  # leaves every deployment alone.
  echo "bench: cloning $2 into $1"
  rm -rf "$1"
  mkdir -p "$(dirname "$1")"
  git clone --quiet --no-hardlinks "$ROOT" "$1"
  git -C "$1" checkout --quiet "$(git -C "$ROOT" rev-parse "$2")"
  git -C "$1" config user.email bench@example.invalid
  git -C "$1" config user.name "QtsOps bench"
  (cd "$1" && ./build.sh --tree >/dev/null)
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_registry() { # DIR : Debian's docker-registry (no login) on a free port of 127.0.0.1, its config, storage and log in DIR (emptied
  # first); sets REGISTRY (127.0.0.1:PORT) and REGISTRY_PID, for the caller to kill at its end.
  rm -rf "$1"
  REGISTRY="127.0.0.1:$(free_port)"
  serve_registry "$1" "$REGISTRY" 60 || { echo "bench: the registry at $REGISTRY did not start (its log, $1/registry.log, ends above)" >&2; return 1; }
}

polled() { # PREFIX URLS COMMAND... : runs COMMAND while bench/poll.py asks each of URLS (separated by spaces) 20 times a
  # second, from a second before it to a second after; PREFIX-N.poll holds URL N's "requests failed gap" and
  # PREFIX-N.timeline its failed requests each second (N from 1). Returns COMMAND's status.
  local prefix="$1" urls="$2" url number=0 pollers=() status=0
  shift 2
  for url in $urls; do
    number=$((number + 1))
    python3 "$ROOT/bench/poll.py" "$url" 20 "$prefix-$number.timeline" >"$prefix-$number.poll" &
    pollers+=("$!")
  done
  sleep 1 # the pollers' first answers come from the release that runs before
  "$@" || status=$?
  sleep 1
  kill -TERM "${pollers[@]}"
  wait "${pollers[@]}"
  return "$status"
}

write_section() { # NAME TEXT : puts TEXT between <!-- NAME:start --> and <!-- NAME:end --> in docs/BENCHMARKS.md
  local doc="$ROOT/docs/BENCHMARKS.md"
  [ -f "$doc" ] || printf '# Benchmarks\n\nFigures measured on this project'"'"'s CI-class machine; each section says the command that reproduces it.\n' > "$doc"
  NAME="$1" SECTION="<!-- $1:start -->
$2
<!-- $1:end -->" python3 - "$doc" <<'PY'
import os, re, sys
path, name, section = sys.argv[1], os.environ["NAME"], os.environ["SECTION"]
text = open(path).read()
pattern = re.compile(rf"<!-- {name}:start -->.*?<!-- {name}:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
}
