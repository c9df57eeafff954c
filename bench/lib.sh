# Shared by the bench/ scripts: source it.

# median_ms RUNS command... : the median wall time in ms of RUNS runs of the command.
median_ms() {
  local runs="$1"; shift
  local times=()
  for _ in $(seq 1 "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# write_section NAME TEXT : puts TEXT between <!-- NAME:start --> and <!-- NAME:end --> in docs/BENCHMARKS.md.
write_section() {
  local name="$1" text="$2"
  local doc="$ROOT/docs/BENCHMARKS.md"
  [ -f "$doc" ] || printf '# Benchmarks\n\nFigures measured on this project'"'"'s CI-class machine; each section says the command that reproduces it.\n' > "$doc"
  NAME="$name" SECTION="<!-- $name:start -->
$text
<!-- $name:end -->" python3 - "$doc" <<'PY'
import os, re, sys
path, name, section = sys.argv[1], os.environ["NAME"], os.environ["SECTION"]
text = open(path).read()
pattern = re.compile(r"<!-- %s:start -->.*?<!-- %s:end -->" % (name, name), re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
}
