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

# Stryker's score: (killed + timeout) / (killed + timeout + survived + no coverage); mutants that
# do not compile and those Stryker leaves out are not counted.
tables=$(python3 - "$REPORT" "$ROOT/build/QtsOps.Core/" <<'PY'
import json, sys
report, prefix = json.load(open(sys.argv[1])), sys.argv[2]
rows, survivors, total = [], [], {"killed": 0, "survived": 0, "nocoverage": 0, "timeout": 0}
for path, data in sorted(report["files"].items()):
    name = path.replace(prefix, "")
    lines = data["source"].splitlines()
    counts = dict.fromkeys(total, 0)
    for m in data["mutants"]:
        status = m["status"].lower()
        if status not in counts: continue
        counts[status] += 1
        if status in ("survived", "nocoverage"):
            start, end = m["location"]["start"], m["location"]["end"]
            original = lines[start["line"] - 1][start["column"] - 1:] if start["line"] == end["line"] else lines[start["line"] - 1][start["column"] - 1:] + " ..."
            if start["line"] == end["line"]: original = original[:end["column"] - start["column"]]
            short = lambda s: (s if len(s) <= 60 else s[:57] + "...").replace("|", "\\|").replace("`", "'")
            survivors.append(f"| {name}:{start['line']} | {m['mutatorName']} | `{short(original.strip())}` | `{short((m.get('replacement') or '').strip())}` | {status} |")
    valid = sum(counts.values())
    if valid == 0: continue
    for k in total: total[k] += counts[k]
    score = 100 * (counts["killed"] + counts["timeout"]) / valid
    rows.append((score, f"| {name} | {valid} | {counts['killed']} | {counts['timeout']} | {counts['survived']} | {counts['nocoverage']} | {score:.1f}% |"))
valid = sum(total.values())
score = 100 * (total["killed"] + total["timeout"]) / valid if valid else 0
print(f"{score:.1f}")
print("| file | mutants | killed | timeout | survived | no coverage | score |")
print("|---|---|---|---|---|---|---|")
for _, row in sorted(rows, key=lambda r: (r[0], r[1])): print(row)
print(f"| **total** | {valid} | {total['killed']} | {total['timeout']} | {total['survived']} | {total['nocoverage']} | **{score:.1f}%** |")
print()
print(f"Surviving mutants ({len(survivors)}; why each is left, equivalent or open: [MUTATION.md](MUTATION.md)):")
print()
print("| where | mutator | original | mutant | status |")
print("|---|---|---|---|---|")
for s in survivors: print(s)
PY
)
score=$(head -1 <<<"$tables")

if [ $# -eq 0 ]; then
  scope="every file of \`build/QtsOps.Core\`"
  command="bench/mutation.sh"
else
  scope="the files matching $(printf '\x60%s\x60 ' "$@")only (a subset; \`bench/mutation.sh\` with no argument runs every file)"
  command="bench/mutation.sh $*"
fi

write_section mutation "## Mutation: the core's tests against Stryker.NET's mutants

Command: \`$command\` (Stryker.NET $STRYKER_VERSION, default mutation level, $scope; tests:
\`tests/QtsOps.Tests\` filtered by \`TestCategory=Core\`; concurrency $CONCURRENCY, $(nproc) cores, load average
$(cut -d' ' -f1 /proc/loadavg) at the end, $((seconds / 60)) min $((seconds % 60)) s, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)).
Score: (killed + timeout) / (killed + timeout + survived + no coverage), Stryker's definition. Goal: at least 90%.

![Mutation score of each folder](charts/mutation.svg)

$(tail -n +2 <<<"$tables")"
python3 "$ROOT/bench/chart.py" mutation
echo "mutation score ${score}% in ${seconds} s (report: $REPORT)"
