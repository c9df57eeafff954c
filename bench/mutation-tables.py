"""The tables of docs/BENCHMARKS.md's mutation section, from a Stryker.NET JSON report (bench/mutation.sh calls it).

A run of every file writes the tables afresh. A subset run (bench/mutation.sh GLOB...) replaces only the rows of the
files it mutated and keeps every other file's rows, and their survivors, from the section as it stands; each row names
the commit its figures were measured at, and the section lists the runs its rows come from. The total then mixes
commits: a file's figures hold for the code of the commit its row names (its tests can only have grown since).
Prints the score on the first line, then the section's body below its heading and command lines.
Usage: python3 bench/mutation-tables.py REPORT CORE_PREFIX DOC COMMIT RUN_LINE [--subset]   (standard library only)
"""

import json
import re
import sys

STATUSES = ("killed", "timeout", "survived", "nocoverage")
GOAL = 96


def short(text):
    return (text if len(text) <= 60 else text[:57] + "...").replace("|", "\\|").replace("`", "'")


def measured(report_path, prefix, commit):
    """Each file this run mutated: (its row, its survivors' rows), by the file's name under the core."""
    report, files = json.load(open(report_path)), {}
    for path, data in sorted(report["files"].items()):
        name = path.replace(prefix, "")
        lines = data["source"].splitlines()
        counts, survivors = dict.fromkeys(STATUSES, 0), []
        for m in data["mutants"]:
            status = m["status"].lower()
            if status not in counts:
                continue
            counts[status] += 1
            if status in ("survived", "nocoverage"):
                start, end = m["location"]["start"], m["location"]["end"]
                original = lines[start["line"] - 1][start["column"] - 1:]
                original = original[:end["column"] - start["column"]] if start["line"] == end["line"] else original + " ..."
                survivors.append(f"| {name}:{start['line']} | {m['mutatorName']} | `{short(original.strip())}` | `{short((m.get('replacement') or '').strip())}` | {status} |")
        if sum(counts.values()):
            files[name] = ([counts[s] for s in STATUSES], commit, survivors)
    return files


def recorded(doc):
    """The section's rows as they stand: (its files, as measured() gives them, and the lines listing its runs)."""
    text = open(doc).read()
    match = re.search(r"<!-- mutation:start -->(.*?)<!-- mutation:end -->", text, re.S)
    if not match:
        sys.exit(f"{doc}: no mutation section to add a subset run to. Fix: run bench/mutation.sh with no argument first.")
    body, files, runs = match.group(1), {}, []
    for line in body.splitlines():
        if line.startswith("- `bench/mutation.sh"):
            runs.append(line)
        row = re.match(r"^\| ([\w/.]+\.cs) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| [\d.]+% \| (\w+) \|$", line)
        if row:
            files[row.group(1)] = ([int(row.group(i)) for i in (3, 4, 5, 6)], row.group(7), [])
        survivor = re.match(r"^\| ([\w/.]+\.cs):\d+ \|", line)
        if survivor and survivor.group(1) in files:
            files[survivor.group(1)][2].append(line)
    if not files:
        sys.exit(f"{doc}: the mutation section has no file rows with a commit column. Fix: run bench/mutation.sh with no argument first.")
    return files, runs


def main():
    report, prefix, doc, commit, run_line = sys.argv[1:6]
    subset = "--subset" in sys.argv[6:]
    files, runs = recorded(doc) if subset else ({}, [])
    files.update(measured(report, prefix, commit))
    runs.append(run_line)

    rows, survivors, total = [], [], [0] * len(STATUSES)
    for name, (counts, at, lines) in sorted(files.items()):
        valid = sum(counts)
        total = [t + c for t, c in zip(total, counts)]
        score = 100 * (counts[0] + counts[1]) / valid
        rows.append((score, f"| {name} | {valid} | {' | '.join(map(str, counts))} | {score:.1f}% | {at} |"))
        survivors.extend(lines)
    valid = sum(total)
    score = 100 * (total[0] + total[1]) / valid if valid else 0
    print(f"{score:.1f}")
    print("Runs that measured the rows below (a subset run replaces its files' rows and keeps the others'):")
    print()
    print("\n".join(runs))
    print()
    print(f"Score: (killed + timeout) / (killed + timeout + survived + no coverage), Stryker's definition. Goal: at least {GOAL}% (issue 26).")
    print()
    print("![Mutation score of each folder](charts/mutation.svg)")
    print()
    print("| file | mutants | killed | timeout | survived | no coverage | score | commit |")
    print("|---|---|---|---|---|---|---|---|")
    for _, row in sorted(rows):
        print(row)
    commits = sorted({at for _, at, _ in files.values()})
    print(f"| **total** | {valid} | {' | '.join(map(str, total))} | **{score:.1f}%** | {', '.join(commits)} |")
    print()
    print(f"Surviving mutants ({len(survivors)}; why each is left, equivalent or open: [MUTATION.md](MUTATION.md)):")
    print()
    print("| where | mutator | original | mutant | status |")
    print("|---|---|---|---|---|")
    for line in survivors:
        print(line)


main()
