# Helpers the bench scripts share. Source it; expects RUNS to be set.

elapsed_ms() { # command... ; prints the wall time of one run in ms
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

median() { # numbers... ; prints their median
  printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

median_ms() { # command... ; prints the median wall time in ms over $RUNS runs
  local times=()
  for _ in $(seq 1 "$RUNS"); do times+=("$(elapsed_ms "$@")"); done
  median "${times[@]}"
}

write_section() { # NAME TEXT: replaces <!-- NAME:start --> ... <!-- NAME:end --> in docs/BENCHMARKS.md, or appends it
  local doc="$ROOT/docs/BENCHMARKS.md"
  [ -f "$doc" ] || printf '# Benchmarks\n\nFigures measured on this project'"'"'s CI-class machine; each section says the command that reproduces it.\n' > "$doc"
  NAME="$1" SECTION="$2" python3 - "$doc" <<'PY'
import os, re, sys
path, name, section = sys.argv[1], os.environ["NAME"], os.environ["SECTION"]
text = open(path).read()
pattern = re.compile(rf"<!-- {name}:start -->.*?<!-- {name}:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
}
