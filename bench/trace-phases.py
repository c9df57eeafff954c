"""Cuts one traced ./build.sh of the inner loop into its phases at the process starts (docs/BENCHMARKS.md,
"Where the inner loop's time goes").

Trace a run of the local environment (a copy of environments.json with its own names and port, as
docs/OPERATIONS.md says for trying the pipeline by hand), then read the trace:
  strace -f -tt -e trace=execve,exit_group -e signal=none -q -o trace.txt ./build.sh --environments=FILE
  python3 bench/trace-phases.py trace.txt        (standard library only)
Prints the table rows of the breakdown, and the number of terraform, docker and gpgv starts.
"""

import re, sys
events, end = [], {}
for line in open(sys.argv[1]):
    m = re.match(r'(\d+)\s+(\d\d):(\d\d):([\d.]+) (.*)', line)  # strace pads a pid shorter than 5 digits
    if not m: continue
    pid = m.group(1); t = int(m.group(2))*3600 + int(m.group(3))*60 + float(m.group(4)); rest = m.group(5)
    if rest.startswith('execve(') and 'ENOENT' not in rest:
        events.append((t, pid, ' '.join(re.findall(r'"([^"]*)"', rest)[0:7])))
    elif 'exit_group' in rest or rest.startswith('+++ exited'): end[pid] = t  # a Go program's exit_group can come from a thread
t0 = events[0][0]; tend = max(end.values()) - t0
def first(pred, after=0.0):
    return next((t - t0, pid) for t, pid, c in events if t - t0 >= after and pred(c))
host, _ = first(lambda c: 'QtsOps.Build' in c)
setup, _ = first(lambda c: c.endswith(' engine'))
# The run asks `docker info` once (its preflight); the phases after it begin at their first engine call or host script.
pre, _ = first(lambda c: 'info --format' in c)
img, _ = first(lambda c: 'image inspect' in c, pre)  # the base image's
build, _ = first(lambda c: ' build --tag' in c)
built, _ = first(lambda c: 'image inspect sha256' in c, build)
dep, _ = first(lambda c: 'lock=$1' in c, built)  # the deploy lock
up, up_pid = first(lambda c: 'compose' in c and '--project-name' in c, dep)
up_end = end[up_pid] - t0
edge, _ = first(lambda c: 'edge' in c, up_end)  # the edge's image, then its reload
ver, _ = first(lambda c: 'releases=$1' in c, edge)  # verify's read of the host's state
stop, _ = first(lambda c: ' stop ' in c, ver)
rows = [("build.sh: inputs hash, exec of the built host", 0, host), (".NET host start, until build/setup.sh", host, setup),
        ("build/setup.sh engine", setup, pre), ("preflight, clean, validate, package", pre, img),
        ("image: lookups before docker build (engine, base image, Debian suites)", img, build), ("image: docker build", build, built),
        ("terraform-plan, apply's skip", built, dep), ("deploy: reads before compose up", dep, up), ("deploy: compose up of the new slot", up, up_end),
        ("deploy: health, settle window, checks inside the slot", up_end, edge), ("deploy: edge switch, drain, old releases", edge, ver),
        ("verify", ver, stop), ("teardown: stop the old slot, exit", stop, tend)]
for name, a, b in rows: print(f"| {name} | {b - a:.2f} s |")
print(f"| total | {tend:.2f} s |")
for program in ("terraform", "docker", "gpgv"):
    print(f"{program} starts: {sum(1 for _, _, c in events if c.split(' ')[0].endswith('/' + program))}")
print(f"process starts: {len(events)}")
