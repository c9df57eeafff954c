using System.Globalization;
using System.Text.RegularExpressions;

namespace QtsOps.Core.Verification;

/// <summary>One named check with its verdict and the evidence it was judged on.</summary>
public sealed record CheckResult(string Name, bool Passed, string Evidence, string? Fix)
{
    public static CheckResult Pass(string name, string evidence) => new(name, true, evidence, null);
    public static CheckResult Fail(string name, string evidence, string fix) => new(name, false, evidence, fix);
}

/// <summary>The post-deploy checklist of the ops guide, as plain judgements of gathered evidence.</summary>
public static partial class VerifyChecklist
{
    public static readonly IReadOnlyList<string> CheckNames =
        ["running", "health-status", "health-endpoint", "restart-count", "environment", "mounts", "logs-clean", "resources", "data-records", "disk"];

    public static IReadOnlyList<CheckResult> Evaluate(VerifyEvidence evidence) =>
    [
        Running(evidence), HealthStatus(evidence), HealthEndpoint(evidence), RestartCount(evidence), Environment(evidence),
        Mounts(evidence), LogsClean(evidence), Resources(evidence), DataRecords(evidence), Disk(evidence),
    ];

    private static CheckResult Running(VerifyEvidence e) => e.Container switch
    {
        null => CheckResult.Fail("running", $"no container named {e.ContainerName}", "deploy first: ./build.sh --target=deploy"),
        { Running: true } c => CheckResult.Pass("running", $"{e.ContainerName} ({c.Id[..Math.Min(12, c.Id.Length)]}) is {c.Status} since {c.StartedAt:u}"),
        var c => CheckResult.Fail("running", $"{e.ContainerName} is {c.Status}", $"see `docker logs {e.ContainerName}`"),
    };

    private static CheckResult HealthStatus(VerifyEvidence e) => e.Container?.HealthStatus switch
    {
        "healthy" => CheckResult.Pass("health-status", "Docker reports healthy"),
        null when e.Container is null => CheckResult.Fail("health-status", "no container", "deploy first"),
        null => CheckResult.Fail("health-status", "the container has no HEALTHCHECK", "run the image built from the package's Dockerfile, which has one"),
        var status => CheckResult.Fail("health-status", $"Docker reports {status}", $"see `docker inspect -f '{{{{json .State.Health}}}}' {e.ContainerName}`"),
    };

    private static CheckResult HealthEndpoint(VerifyEvidence e)
    {
        var h = e.HealthEndpoint;
        var body = h.Body.Length > 200 ? h.Body[..200] + "..." : h.Body;
        var earlier = h.EarlierFailures.Count == 0 ? "" : $" (after {h.EarlierFailures.Count} failed: {string.Join(", ", h.EarlierFailures)})";
        if (h.StatusCode == 200) return CheckResult.Pass("health-endpoint", $"GET {h.Url} -> 200 {body}{earlier}");
        return CheckResult.Fail("health-endpoint", (h.StatusCode is { } code ? $"GET {h.Url} -> {code} {body}" : $"GET {h.Url} failed: {h.Error}") + earlier,
            "check the published port (environments.json bind/port) and the service's reasons in the /health body");
    }

    private static CheckResult RestartCount(VerifyEvidence e) => e.Container switch
    {
        null => CheckResult.Fail("restart-count", "no container", "deploy first"),
        { RestartCount: 0 } => CheckResult.Pass("restart-count", $"0 restarts after a settle window of {e.SettleSeconds:0.#} s"),
        var c => CheckResult.Fail("restart-count", $"{c.RestartCount} restart(s) within {e.SettleSeconds:0.#} s of settling", $"the service crashes: see `docker logs {e.ContainerName}`"),
    };

    private static CheckResult Environment(VerifyEvidence e)
    {
        if (e.ActualEnvironment is null)
            return CheckResult.Fail("environment", $"could not read the environment inside the container: {e.EnvironmentError}", "the container must be running");
        var wrong = e.ExpectedEnvironment
            .Where(p => !e.ActualEnvironment.TryGetValue(p.Key, out var actual) || actual != p.Value)
            .Select(p => $"{p.Key}={(e.ActualEnvironment.TryGetValue(p.Key, out var actual) ? actual : "(unset)")} (expected {p.Value})")
            .ToList();
        var seen = string.Join(", ", e.ExpectedEnvironment.Keys.Select(k => $"{k}={e.ActualEnvironment.GetValueOrDefault(k, "(unset)")}"));
        return wrong.Count == 0
            ? CheckResult.Pass("environment", seen)
            : CheckResult.Fail("environment", string.Join("; ", wrong), "make the Dockerfile, docker-compose.yml and deployment_config.json agree");
    }

    private static CheckResult Mounts(VerifyEvidence e)
    {
        var problems = new List<string>();
        var seen = new List<string>();
        foreach (var m in e.Mounts)
        {
            if (m.Source is null) { problems.Add($"{m.Destination} is not mounted"); continue; }
            if (!m.MustBeWritable) { seen.Add($"{m.Destination} <- {m.Source} ({(m.ReadWrite == true ? "rw" : "ro")})"); continue; }
            if (m.ReadWrite != true) problems.Add($"{m.Destination} is mounted read-only");
            else if (m.ProbeWrittenAndDeleted != true) problems.Add($"{m.Destination}: the container user could not write and delete a probe file ({m.ProbeOutput})");
            else seen.Add($"{m.Destination} <- {m.Source} (rw, probe written and deleted)");
        }
        return problems.Count == 0
            ? CheckResult.Pass("mounts", string.Join("; ", seen))
            : CheckResult.Fail("mounts", string.Join("; ", problems), "the host data and log directories must exist and belong to uid 10001");
    }

    /// <summary>
    /// A line in which the service reports its own failure: the level field of its log format
    /// ("&lt;time&gt; ERROR &lt;logger&gt;: ...") is ERROR or CRITICAL, or a Python traceback starts.
    /// What a message says is not judged: a client can put any word into a logged request.
    /// </summary>
    public static bool IsErrorLine(string line) => ErrorLine().IsMatch(line);

    private static CheckResult LogsClean(VerifyEvidence e)
    {
        var errors = e.LogLines.Where(IsErrorLine).ToList();
        return errors.Count == 0
            ? CheckResult.Pass("logs-clean", $"{e.LogLines.Count} log line(s) since start, none at level ERROR or CRITICAL and no traceback")
            : CheckResult.Fail("logs-clean", $"{errors.Count} error line(s), first: {errors[0].Trim()}", $"read `docker logs {e.ContainerName}`");
    }

    private static CheckResult Resources(VerifyEvidence e)
    {
        if (e.Resources is not { } r) return CheckResult.Fail("resources", "no CPU and memory sample", "the container must be running");
        var problems = new List<string>();
        if (Math.Abs(r.CpuLimitCores - r.ExpectedCpuLimitCores) > 0.001) problems.Add($"CPU limit {r.CpuLimitCores:0.##} (expected {r.ExpectedCpuLimitCores:0.##})");
        if (r.MemoryLimitBytes != r.ExpectedMemoryLimitBytes) problems.Add($"memory limit {Mb(r.MemoryLimitBytes)} (expected {Mb(r.ExpectedMemoryLimitBytes)})");
        if (r.CpuPercent >= r.ExpectedCpuLimitCores * 100) problems.Add($"CPU at {r.CpuPercent:0.##}% of a core, at its limit");
        if (r.MemoryUsageBytes >= r.ExpectedMemoryLimitBytes * 0.9) problems.Add($"memory {Mb(r.MemoryUsageBytes)}, above 90% of the limit");
        var seen = $"CPU {r.CpuPercent:0.##}% (limit {r.CpuLimitCores:0.##} core), memory {Mb(r.MemoryUsageBytes)} of {Mb(r.MemoryLimitBytes)}";
        return problems.Count == 0
            ? CheckResult.Pass("resources", seen)
            : CheckResult.Fail("resources", $"{seen}: {string.Join("; ", problems)}", "limits come from docker-compose.yml deploy.resources (Compose v1 needs --compatibility)");
    }

    private static CheckResult DataRecords(VerifyEvidence e)
    {
        var r = e.Records;
        if (r.Error is not null) return CheckResult.Fail("data-records", $"could not read the records: {r.Error}", "the data mount must hold observations-*.jsonl");
        var fresh = r.RecordTimes.Count(t => t >= r.Since);
        return fresh > 0
            ? CheckResult.Pass("data-records", $"{fresh} record(s) written since {r.Since:u}, newest {r.RecordTimes.Max():u}")
            : CheckResult.Fail("data-records", $"no record written since {r.Since:u}" + (r.RecordTimes.Count > 0 ? $" (newest {r.RecordTimes.Max():u})" : ""), "the record loop is stalled: see the /health body and the logs");
    }

    private static CheckResult Disk(VerifyEvidence e) => e.Disk switch
    {
        null => CheckResult.Fail("disk", "no disk figure", "the container must be running"),
        var d when d.UsedPercent < e.MaxDiskUsedPercent => CheckResult.Pass("disk", $"{d.Path}: {d.UsedPercent}% used (limit {e.MaxDiskUsedPercent}%)"),
        var d => CheckResult.Fail("disk", $"{d.Path}: {d.UsedPercent}% used (limit {e.MaxDiskUsedPercent}%)", "free disk space on the host (old backups, images: docker image prune)"),
    };

    /// <summary>Reads `env` output (NAME=value lines).</summary>
    public static IReadOnlyDictionary<string, string> ParseEnvironment(IEnumerable<string> lines) =>
        lines.Where(l => l.Contains('=')).Select(l => l.Split('=', 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1]);

    /// <summary>Reads `df -P PATH`: the Capacity column of the one data line, e.g. "23%".</summary>
    public static int ParseDfUsedPercent(IEnumerable<string> lines)
    {
        var data = lines.Skip(1).FirstOrDefault(l => l.Trim().Length > 0) ?? throw new FormatException("df printed no data line.");
        var capacity = data.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(c => c.EndsWith('%'))
            ?? throw new FormatException($"No use% in df line '{data}'.");
        return int.Parse(capacity.TrimEnd('%'), CultureInfo.InvariantCulture);
    }

    /// <summary>The ts of each record line (JSON with "ts": RFC 3339); lines that are not records are ignored.</summary>
    public static IReadOnlyList<DateTimeOffset> ParseRecordTimes(IEnumerable<string> lines) =>
        lines.Select(l => RecordTime().Match(l)).Where(m => m.Success)
            .Select(m => DateTimeOffset.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : (DateTimeOffset?)null)
            .OfType<DateTimeOffset>().ToList();

    private static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:0.#} MiB";

    [GeneratedRegex(@"^\S+ (ERROR|CRITICAL) \S+: |^Traceback \(most recent call last\)")]
    private static partial Regex ErrorLine();

    [GeneratedRegex("\"ts\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex RecordTime();
}
