#!/usr/bin/env bash
# Puts a section between <!-- NAME:start --> and <!-- NAME:end --> in docs/BENCHMARKS.md, replacing
# what was there, or appends it. Usage: bench/write-section.sh NAME "SECTION TEXT"
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOC="$ROOT/docs/BENCHMARKS.md"
[ -f "$DOC" ] || printf '# Benchmarks\n\nFigures measured on this project'"'"'s CI-class machine; each section says the command that reproduces it.\n' > "$DOC"
SECTION="$2" python3 - "$DOC" "$1" <<'PY'
import os, re, sys
path, name = sys.argv[1], sys.argv[2]
section = os.environ["SECTION"]
text = open(path).read()
pattern = re.compile(r"<!-- %s:start -->.*?<!-- %s:end -->" % (re.escape(name), re.escape(name)), re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
