#!/usr/bin/env bash
# Times `./build.sh --target=validate` and `./build.sh --target=package` (clean, validate, package)
# on the current commit, checks that every package run gives the same SHA-256, and writes the
# figures to docs/BENCHMARKS.md (section "Package").
# Usage: bench/package.sh [RUNS]   (default 5)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-5}"
cd "$ROOT"
. "$ROOT/bench/lib.sh"

./build.sh --target=package >/dev/null # warm: builds the pipeline if its inputs changed

validate=$(median_ms "$RUNS" ./build.sh --target=validate)
package=$(median_ms "$RUNS" ./build.sh --target=package)

hashes=()
for _ in $(seq 1 "$RUNS"); do
  ./build.sh --target=package >/dev/null
  hashes+=("$(cut -d' ' -f1 artifacts/package/qts_ops_deploy-*.tar.gz.sha256)")
done
distinct=$(printf '%s\n' "${hashes[@]}" | sort -u | wc -l)
archive=$(ls artifacts/package/qts_ops_deploy-*.tar.gz)
size=$(stat -c %s "$archive")
files=$(tar -tzf "$archive" | grep -vc '/$')
dirty=""; [ -n "$(git status --porcelain)" ] && dirty=" (working tree not clean: the figures describe uncommitted files)"

write_section package "## Package: validate and package

Command: \`bench/package.sh $RUNS\` (median of $RUNS runs each, $(nproc) cores, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)${dirty}).

| what | figure |
|---|---|
| \`./build.sh --target=validate\` (warm) | ${validate} ms |
| \`./build.sh --target=package\` (clean, validate, package; warm) | ${package} ms |
| \`$(basename "$archive")\` | ${size} bytes, ${files} files |
| distinct SHA-256 over $RUNS package runs | ${distinct} (\`${hashes[0]}\`) |"
echo "validate ${validate} ms, package ${package} ms, archive ${size} bytes, ${files} files, ${distinct} distinct sha256 over ${RUNS} runs"
[ "$distinct" -eq 1 ] || { echo "bench/package.sh: the package is not reproducible" >&2; exit 1; }
