#!/usr/bin/env bash
# What computing the version from git costs a run: the built program runs `--target=clean` (its
# setup line computes the version) in scratch repositories of 10 and COMMITS commits, tagged v1.0.0
# at the root so that the whole history is walked, and in a folder that is no git repository.
# Medians of RUNS runs each; writes the figures to docs/BENCHMARKS.md (section "Version").
# Usage: bench/version.sh [RUNS] [COMMITS]   (defaults 7 and 5000)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-7}"
COMMITS="${2:-5000}"
WORK="${TMPDIR:-/tmp}/qtsops-bench-version" # outside any repository, so that nogit/ is none
PROGRAM="$ROOT/.qtsops/host/bin/QtsOps.Build"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

(cd "$ROOT" && ./build.sh --tree >/dev/null) # builds the pipeline if its inputs changed

make_repository() { # DIR COMMITS: a linear history through git fast-import, v1.0.0 on the root commit
  local dir="$1" count="$2"
  rm -rf "$dir" && git init -q -b main "$dir"
  {
    for i in $(seq 1 "$count"); do
      printf 'commit refs/heads/main\nmark :%d\ncommitter Bench <bench@example.invalid> %d +0000\n' "$i" $((1700000000 + i))
      printf 'data <<EOM\nfeat: change %d\nEOM\n' "$i"
      [ "$i" -gt 1 ] && printf 'from :%d\n' $((i - 1))
      [ "$i" -eq 1 ] && printf 'M 644 inline QtsOps.sln\ndata 0\nM 644 inline .gitignore\ndata <<EOM\nartifacts/\n.qtsops/\nEOM\n'
      printf 'M 644 inline change.txt\ndata <<EOM\n%d\nEOM\n' "$i"
    done
  } | git -C "$dir" fast-import --quiet
  git -C "$dir" reset -q --hard main
  git -C "$dir" -c user.name=Bench -c user.email=bench@example.invalid tag -a v1.0.0 -m v1.0.0 "$(git -C "$dir" rev-list --max-parents=0 HEAD)"
}

make_repository "$WORK/small" 10
make_repository "$WORK/large" "$COMMITS"
rm -rf "$WORK/recent" && cp -r "$WORK/large" "$WORK/recent" # the usual case: a release tag 10 commits back
git -C "$WORK/recent" -c user.name=Bench -c user.email=bench@example.invalid tag -a v1.1.0 -m v1.1.0 HEAD~10
for repository in large recent; do "$PROGRAM" --working="$WORK/$repository" --target=clean | grep '^QtsOps'; done # the versions computed

mkdir -p "$WORK/nogit" && touch "$WORK/nogit/QtsOps.sln"
# Round-robin over the cases, so that a change in the machine's load hits them alike.
declare -A times
for _ in $(seq 1 "$RUNS"); do
  for case in nogit small large recent; do
    times[$case]+=" $(elapsed_ms "$PROGRAM" --working="$WORK/$case" --target=clean)"
  done
done
# shellcheck disable=SC2086 # the samples are space-separated numbers
nogit=$(median ${times[nogit]}) small=$(median ${times[small]}) large=$(median ${times[large]}) recent=$(median ${times[recent]})

section="<!-- version:start -->
## Version: computing it from git on every run

Command: \`bench/version.sh $RUNS $COMMITS\` (median of $RUNS runs each, $(nproc) cores, load average $(cut -d" " -f1 /proc/loadavg) at the end, $(date -u +%Y-%m-%d)).
The built program runs \`--target=clean\`, whose setup line computes the version, in a folder
that is no git repository (no version computed) and in scratch repositories with a linear history.
The walk from HEAD stops at the nearest version tags: a tag at the root commit is the worst case
(the whole history is read), a release tag a few commits back the usual one.

| where | \`--target=clean\` | the version's share |
|---|---|---|
| no git repository | ${nogit} ms | - |
| 10 commits, tagged at the root | ${small} ms | $((small - nogit)) ms |
| ${COMMITS} commits, tagged at the root | ${large} ms | $((large - nogit)) ms |
| ${COMMITS} commits, tagged 10 commits back | ${recent} ms | $((recent - nogit)) ms |
<!-- version:end -->"

write_section version "$section"
echo "no git ${nogit} ms; 10 commits +$((small - nogit)) ms; $COMMITS commits +$((large - nogit)) ms, tagged 10 back +$((recent - nogit)) ms"
