#!/usr/bin/env bash
# Mutation testing of the core (build/QtsOps.Core) with Stryker.NET: each mutant is one small
# change to the code (a flipped comparison, a dropped statement, an emptied string...) run against
# the fast, engine-free tests (NUnit category "Core"). Writes the score per file, the total and the
# surviving mutants to docs/BENCHMARKS.md (section "mutation"); docs/MUTATION.md says why each
# survivor is left. Slow (about a second per mutant on 2 cores), so not part of CI's test run.
# Usage: bench/mutation.sh [GLOB...]   (Stryker --mutate globs, e.g. '**/Verification/*.cs'; default all files)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib.sh"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

STRYKER_VERSION=5.1.0
TOOLS="$ROOT/.qtsops/tools/stryker"  # git-ignored, like the rest of .qtsops/
OUTPUT="$ROOT/.qtsops/mutation"      # Stryker's logs and reports of the last run
CONCURRENCY="${STRYKER_CONCURRENCY:-1}"

if ! "$TOOLS/dotnet-stryker" --version 2>/dev/null | grep -q "$STRYKER_VERSION"; then
  rm -rf "$TOOLS"
  dotnet tool install dotnet-stryker --version "$STRYKER_VERSION" --tool-path "$TOOLS" >/dev/null
fi

mutate=()
for glob in "$@"; do mutate+=(--mutate "$glob"); done

rm -rf "$OUTPUT"
start=$(date +%s)
# Stryker builds the projects itself. It runs in the test project's folder: at the root it would
# take QtsOps.sln and refuse a test project.
if ! (cd "$ROOT/tests/QtsOps.Tests" && "$TOOLS/dotnet-stryker" \
    --project QtsOps.Core.csproj \
    --test-case-filter "TestCategory=Core" \
    --concurrency "$CONCURRENCY" \
    --reporter json --reporter progress \
    --output "$OUTPUT" \
    --skip-version-check \
    "${mutate[@]}"); then
  echo "bench/mutation.sh: error: Stryker failed (log: $OUTPUT)" >&2
  exit 1
fi
seconds=$(($(date +%s) - start))
REPORT="$OUTPUT/reports/mutation-report.json"
[ -f "$REPORT" ] || { echo "bench/mutation.sh: error: Stryker wrote no $REPORT" >&2; exit 1; }

if [ $# -eq 0 ]; then
  command="bench/mutation.sh" scope="every file" subset=()
else
  command="bench/mutation.sh $*" scope="the files matching these globs" subset=(--subset)
fi
run_line="- \`$command\` ($scope): commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d), Stryker.NET $STRYKER_VERSION, default mutation level, concurrency $CONCURRENCY, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg) at the end, $((seconds / 60)) min $((seconds % 60)) s."
tables=$(python3 "$ROOT/bench/mutation-tables.py" "$REPORT" "$ROOT/build/QtsOps.Core/" "$ROOT/docs/BENCHMARKS.md" \
  "$(git rev-parse --short HEAD)" "$run_line" "${subset[@]}")
score=$(head -1 <<<"$tables")

write_section mutation "## Mutation: the core's tests against Stryker.NET's mutants

Command: \`bench/mutation.sh [GLOB...]\`: every file of \`build/QtsOps.Core\`, or the files matching the globs (Stryker's
\`--mutate\`); tests: \`tests/QtsOps.Tests\` filtered by \`TestCategory=Core\`.

$(tail -n +2 <<<"$tables")"
python3 "$ROOT/bench/chart.py" mutation
echo "mutation score ${score}% in ${seconds} s (report: $REPORT)"
