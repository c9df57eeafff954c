#!/usr/bin/env bash
# Times terraform-plan and apply on the local environment (real terraform CLI, builtin provider,
# local backend) in a scratch copy of the repository, and the offline failure of staging.
# Medians of RUNS rounds; writes the figures to docs/BENCHMARKS.md (section "terraform").
# Usage: bench/terraform.sh [RUNS]   (default 5)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-5}"
. "$ROOT/bench/lib.sh"
cd "$ROOT"
./build.sh --tree >/dev/null # builds the pipeline if its inputs changed
PROGRAM="$ROOT/.qtsops/host/bin/QtsOps.Build"

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/qtsops-bench-terraform-XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
mkdir -p "$SCRATCH/src"
cp -r "$ROOT/src/infra" "$SCRATCH/src/"
rm -f "$SCRATCH"/src/infra/environments/*/terraform.tfvars
cp "$ROOT/.gitignore" "$SCRATCH/"
touch "$SCRATCH/QtsOps.sln"
git -C "$SCRATCH" init -q
git -C "$SCRATCH" add -A
git -C "$SCRATCH" -c user.name=bench -c user.email=bench@example.com commit -qm bench

pipeline() { "$PROGRAM" --working="$SCRATCH" --verbosity=quiet "$@"; }
offline_staging_plan() { ! pipeline --target=terraform-plan --env=staging; } # timed as it fails: its providers cannot be installed offline
fresh() { rm -rf "$SCRATCH/.qtsops" "$SCRATCH/artifacts"; }

first_plan=(); apply=(); second_plan=(); skip=()
for _ in $(seq 1 "$RUNS"); do
  fresh
  first_plan+=("$(elapsed_ms pipeline --target=terraform-plan --env=local)")
  apply+=("$(elapsed_ms pipeline --target=apply --env=local)")
  second_plan+=("$(elapsed_ms pipeline --target=terraform-plan --env=local)")
  skip+=("$(elapsed_ms pipeline --target=apply --env=local)")
done
staging=$(median_ms "$RUNS" offline_staging_plan)
fresh

write_section terraform "## Terraform: terraform-plan and apply

Command: \`bench/terraform.sh $RUNS\` (median of $RUNS rounds, each from no state; the built pipeline
program on a scratch copy of \`src/infra\`; $(nproc) cores, $(terraform version 2>/dev/null | head -1), $(date -u +%Y-%m-%d)).

| what | median |
|---|---|
| \`terraform-plan --env=local\`, first (init, validate, init, state pull, plan, show -json: 2 to create) | $(median "${first_plan[@]}") ms |
| \`apply --env=local\` (init, state pull, apply, output -json) | $(median "${apply[@]}") ms |
| \`terraform-plan --env=local\`, second (no changes; writes outputs.json) | $(median "${second_plan[@]}") ms |
| \`apply --env=local\` skipped (plan had no changes) | $(median "${skip[@]}") ms |
| \`terraform-plan --env=staging\` offline (fails: providers cannot be installed) | ${staging} ms |"
echo "first plan $(median "${first_plan[@]}") ms, apply $(median "${apply[@]}") ms, second plan $(median "${second_plan[@]}") ms, skip $(median "${skip[@]}") ms, staging ${staging} ms"
