using System.Globalization;

namespace QtsOps.Build.Deployment;

/// <summary>
/// What the pipeline runs inside the service's container, as Python programs (python3 -c SCRIPT ARG...):
/// the image holds Python and nothing else, no shell, coreutils or df. It also holds only the modules
/// the service and its health check import, so these use os, sys, time and urllib.request alone.
/// </summary>
public static class ContainerScripts
{
    /// <summary>The port the service listens on inside its container (compose publishes the environment's port to it).</summary>
    public const int ServicePort = 8000;

    /// <summary>Prints the status code, then the body, of GET /health on the container's loopback.</summary>
    public static readonly string HealthStatusAndBody = Lines(
        "import urllib.request, urllib.error",
        "try:",
        $"    r = urllib.request.urlopen('http://127.0.0.1:{ServicePort}/health', timeout=5)",
        "except urllib.error.HTTPError as e:",
        "    r = e",
        "print(r.status)",
        "print(r.read().decode('utf-8', 'replace'))");

    /// <summary>NAME=VALUE per line, like env.</summary>
    public static readonly string Environment = Lines(
        "import os",
        "for name, value in os.environ.items(): print(f'{name}={value}')");

    /// <summary>ARG's file system like df -P ARG (POSIX format: 1024-blocks, Capacity rounded up).</summary>
    public static readonly string DiskUsage = Lines(
        "import os, sys",
        "s = os.statvfs(sys.argv[1])",
        "used, free = (s.f_blocks - s.f_bfree) * s.f_frsize // 1024, s.f_bavail * s.f_frsize // 1024",
        "print('Filesystem 1024-blocks Used Available Capacity Mounted on')",
        "print('-', used + free, used, free, f'{-(-used * 100 // max(used + free, 1))}%', sys.argv[1])");

    /// <summary>The last 50 lines of each observations-*.jsonl in ARG; exits 1 when there is none.</summary>
    public static readonly string LastRecords = Lines(
        "import os, sys",
        "files = sorted(f for f in os.listdir(sys.argv[1]) if f.startswith('observations-') and f.endswith('.jsonl'))",
        "if not files: sys.exit(f'no observations-*.jsonl in {sys.argv[1]}')",
        "for name in files:",
        "    with open(os.path.join(sys.argv[1], name), encoding='utf-8', errors='replace') as f: print(''.join(f.readlines()[-50:]), end='')");

    /// <summary>
    /// The container's cgroup counters under ARG1 (its /sys/fs/cgroup, v1 or v2 layout): the CPU time used over ARG2 seconds, and memory
    /// and its inactive file cache at both ends; prints "v1|v2 CPU_NS ELAPSED_NS USAGE INACTIVE USAGE INACTIVE" (<see cref="QtsOps.Core.Verification.CgroupSample"/>).
    /// </summary>
    public static readonly string CgroupCounters = Lines(
        "import os, sys, time",
        "root, seconds = sys.argv[1], float(sys.argv[2])",
        "def read(name):",
        "    with open(os.path.join(root, name)) as f: return f.read()",
        "def stat(name): return {k: int(v) for k, v in (line.split() for line in read(name).splitlines()) if v.isdigit()}",
        "v2 = os.path.exists(os.path.join(root, 'cpu.stat'))",
        "def cpu(): return stat('cpu.stat')['usage_usec'] * 1000 if v2 else int(read('cpuacct/cpuacct.usage'))",
        "def memory(): return (int(read('memory.current' if v2 else 'memory/memory.usage_in_bytes')),",
        "    stat('memory.stat' if v2 else 'memory/memory.stat').get('inactive_file' if v2 else 'total_inactive_file', 0))",
        "m0, t0, c0 = memory(), time.monotonic_ns(), cpu()",
        "time.sleep(seconds)",
        "t1, c1, m1 = time.monotonic_ns(), cpu(), memory()",
        "print('v2' if v2 else 'v1', c1 - c0, t1 - t0, *m0, *m1)");

    /// <summary>Creates, reads back and deletes a probe file in ARG as the container's user; prints ok.</summary>
    public static readonly string WriteProbe = Lines(
        "import os, sys",
        "p = os.path.join(sys.argv[1], f'.qtsops-verify-probe-{os.getpid()}')",
        "with open(p, 'w') as f: f.write('probe')",
        "with open(p) as f: assert f.read() == 'probe', 'read back something else'",
        "os.remove(p)",
        "assert not os.path.exists(p), 'still there after delete'",
        "print('ok')");

    /// <summary>chown -R 10001:10001 ARG...: gives host folders to the service's user (run as root).</summary>
    public static readonly string GiveToService = Lines(
        "import os, sys",
        "for top in sys.argv[1:]:",
        "    os.chown(top, 10001, 10001)",
        "    for root, dirs, files in os.walk(top):",
        "        for name in dirs + files: os.chown(os.path.join(root, name), 10001, 10001, follow_symlinks=False)");

    /// <summary>
    /// <paramref name="script"/> that first waits until <paramref name="notBefore"/> by the container's clock (the engine's, which dates
    /// the container's start): begun a moment early, its docker exec and Python start are paid before then. Null: at once.
    /// </summary>
    public static string NotBefore(DateTimeOffset? notBefore, string script) => notBefore is { } at
        ? Lines("import time", $"time.sleep(max(0.0, {(at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture)} - time.time()))", script)
        : script;

    private static string Lines(params string[] lines) => string.Join("\n", lines);
}
