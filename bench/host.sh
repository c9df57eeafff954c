#!/usr/bin/env bash
# Times a warm `./build.sh --tree` beside Cake's script runner (Cake.Tool 7.0.0 as a local tool,
# running a build.cake with the same task graph) and beside the bare built program.
# Medians of RUNS runs each; writes the figures to docs/BENCHMARKS.md (section "Host").
# Usage: bench/host.sh [RUNS]   (default 7)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-7}"
WORK="$ROOT/.qtsops/bench/host"
mkdir -p "$WORK"
cd "$ROOT"

./build.sh --tree >/dev/null # warm: builds the pipeline if its inputs changed

# The same graph as a Cake script, read from --tree (indentation = dependency depth).
./build.sh --tree | python3 -c '
import sys
deps, stack = {}, []
for line in sys.stdin.read().splitlines():
    if not line.strip():
        continue
    marker = max(line.find("├── "), line.find("└── "))
    depth = 0 if marker < 0 else marker // 4 + 1
    name = line[marker + 4:] if marker >= 0 else line.strip()
    stack[depth:] = [name]
    deps.setdefault(name, [])
    if depth and name not in deps[stack[depth - 1]]:
        deps[stack[depth - 1]].append(name)
for task, needs in deps.items():
    print(f"Task(\"{task}\")" + "".join(f"\n    .IsDependentOn(\"{n}\")" for n in needs) + "\n    .Does(() => {});\n")
print("RunTarget(Argument(\"target\", \"default\"));")
' > "$WORK/build.cake"

if [ ! -f "$WORK/.config/dotnet-tools.json" ] && [ ! -f "$WORK/dotnet-tools.json" ]; then
  (cd "$WORK" && dotnet new tool-manifest >/dev/null && dotnet tool install Cake.Tool --version 7.0.0 >/dev/null)
fi
(cd "$WORK" && dotnet cake build.cake --tree >/dev/null) # warm Cake's script cache

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

build_sh=$(median_ms ./build.sh --tree)
program=$(median_ms .qtsops/host/bin/QtsOps.Build --tree)
cake=$(median_ms bash -c "cd '$WORK' && dotnet cake build.cake --tree")
ratio=$(awk -v a="$build_sh" -v b="$cake" 'BEGIN { printf "%.3f", a / b }')

section="<!-- host:start -->
## Host: warm \`--tree\`

Command: \`bench/host.sh $RUNS\` (median of $RUNS runs each, $(nproc) cores, $(date -u +%Y-%m-%d)).

| what | median |
|---|---|
| \`./build.sh --tree\` (warm: inputs unchanged, runs the built program) | ${build_sh} ms |
| the bare built program (\`.qtsops/host/bin/QtsOps.Build --tree\`) | ${program} ms |
| Cake script runner (\`dotnet cake build.cake --tree\`, Cake.Tool 7.0.0, same graph, warm cache) | ${cake} ms |

Ratio \`./build.sh\` / script runner: **${ratio}** (goal: at most 0.15).
<!-- host:end -->"

write_section host "$section"
echo "build.sh ${build_sh} ms, program ${program} ms, cake ${cake} ms, ratio ${ratio}"
