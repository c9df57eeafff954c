using System.Globalization;
using System.Text.Json.Nodes;
using QtsOps.Core.Deployment;

namespace QtsOps.Core.Pages;

/// <summary>What the host of an environment reports against the environment's limits in environments.json.</summary>
/// <param name="DiskPath">The deploy directory whose disk is measured.</param>
/// <param name="ContainerMemory">The serving container's memory use (docker stats); null when none runs.</param>
public sealed record HostResources(string DiskPath, long FreeDiskBytes, int MinFreeDiskMb, long HostMemoryBytes, int MinMemoryMb, long? ContainerMemory, int MemoryLimitMb)
{
    public bool DiskLow => FreeDiskBytes / 1024 / 1024 < MinFreeDiskMb;

    public bool HostMemoryLow => HostMemoryBytes / 1024 / 1024 < MinMemoryMb;

    /// <summary>The container's use in percent of memoryLimitMb; null when none runs.</summary>
    public double? MemoryUsedPercent => ContainerMemory is { } used ? 100.0 * used / (MemoryLimitMb * 1024.0 * 1024.0) : null;

    /// <summary>At 90 % of its limit a container is close to being killed for memory.</summary>
    public bool MemoryHigh => MemoryUsedPercent >= 90;
}

/// <summary>
/// One environment of the dashboard: what status read, its host's resources and its backups; or, when
/// its host could not be reached, why (the rest of the page is still written).
/// </summary>
/// <param name="Backups">Its data backups, newest first.</param>
/// <param name="BackupsNote">Why the backups are not listed (they are on another host), or null.</param>
/// <param name="Unreachable">Why nothing could be read (the engine's or the host's error); null when it was read.</param>
/// <param name="Swarm">An environment on a swarm: what status shows of it (the service, each task, the lock and the history), instead of <paramref name="Status"/>.</param>
public sealed record EnvironmentDashboard(string Name, DeploymentStatus? Status, HostResources? Resources, IReadOnlyList<BackupListed> Backups, string? BackupsNote, string? Unreachable,
    IReadOnlyList<string>? Swarm = null)
{
    public static EnvironmentDashboard Failed(string name, string why) => new(name, null, null, [], null, why);

    /// <summary>A swarm environment as status shows it; its backups are on its nodes (the overview says so).</summary>
    public static EnvironmentDashboard OnSwarm(string name, IReadOnlyList<string> lines) => new(name, null, null, [], null, null, lines);

    /// <summary>The environment's state in one word: unreachable, swarm, not running, or the serving container's health (else its state).</summary>
    public string Health => Unreachable is not null ? "unreachable" : Swarm is not null ? "swarm" : Status?.Container switch
    {
        null => "not running",
        { Health: { } h } => h,
        var c => c.State,
    };

    /// <summary>One line for the log and the step summary.</summary>
    public string Summary => Status?.Summary ?? (Swarm is { Count: > 0 } lines ? $"'{Name}' (swarm): {lines[0]}" : $"'{Name}': unreachable: {Unreachable}");
}

/// <summary>
/// artifacts/dashboard/index.html: each environment on one page, an overview row each and below it
/// what runs (release, version, image and digest, health, since when), disk and memory against the
/// environment's limits, the backups and their ages, the deploy lock, the last verify's checks and
/// the history, newest first. An environment whose host could not be reached says so and why.
/// </summary>
public static class DashboardPage
{
    public const string Directory = "dashboard";

    /// <summary>The history entries the page shows of each environment; the page stays under 500 KB with them (DashboardPageTests).</summary>
    public const int HistoryEntries = 1000;

    /// <param name="lastVerify">artifacts/reports/verify.json; shown under the environment it names.</param>
    public static string Render(IReadOnlyList<EnvironmentDashboard> environments, JsonObject? lastVerify, DateTimeOffset generatedAt, Func<string, string> mask)
    {
        var page = new HtmlPage($"QtsOps dashboard · {string.Join(", ", environments.Select(e => e.Name))}", mask);
        page.Raw("<h1>QtsOps dashboard</h1>\n");
        page.Raw($"<p>{environments.Count} environment(s). Read {page.Text(At(generatedAt))}.</p>\n");
        Overview(page, environments, generatedAt);
        foreach (var environment in environments)
            Environment(page, environment, lastVerify?["environment"]?.ToString() == environment.Name ? lastVerify : null, generatedAt);
        return page.ToString();
    }

    /// <summary>One row an environment: its health, release, disk, memory and newest backup, each with its word.</summary>
    private static void Overview(HtmlPage page, IReadOnlyList<EnvironmentDashboard> environments, DateTimeOffset now)
    {
        page.Table(["environment", "health", "release", "disk", "memory", "newest backup"], environments.Select(e => (IReadOnlyList<string>)
        [
            $"<a href=\"#env-{page.Text(e.Name)}\">{page.Text(e.Name)}</a>",
            page.Badge(e.Health),
            page.Text(e.Status is { } s ? s.Container?.Owner.Release ?? s.CurrentRelease ?? "none" : ""),
            e.Resources is { } r ? DiskBadge(page, r) : "",
            e.Resources is { } m ? MemoryBadge(page, m) : "",
            e.Unreachable is not null ? "" : e.Backups.Count > 0 ? page.Text($"{Age(now - e.Backups[0].WrittenAt)} old")
                : e.Swarm is not null ? "on its nodes" : e.BackupsNote is null ? "none" : "on its host",
        ]), "overview");
    }

    private static void Environment(HtmlPage page, EnvironmentDashboard environment, JsonObject? lastVerify, DateTimeOffset now)
    {
        page.Raw($"<section id=\"env-{page.Text(environment.Name)}\" class=\"environment\">\n");
        page.Raw($"<h2>{page.Text(environment.Name)} {page.Badge(environment.Health)}</h2>\n");
        if (environment.Swarm is { } lines)
        {
            page.Raw($"<pre class=\"swarm\">{page.Text(string.Join("\n", lines))}</pre>\n</section>\n");
            return;
        }
        if (environment.Status is not { } status)
        {
            page.Raw($"<p class=\"unreachable\">{page.Text(environment.Unreachable)}</p>\n</section>\n");
            return;
        }
        page.Raw($"<p>{page.Text(status.Summary)}.</p>\n");
        WhatRuns(page, status);
        if (environment.Resources is { } resources) Resources(page, resources);
        Backups(page, environment, now);
        if (lastVerify?["checks"] is JsonArray checks)
        {
            var passed = lastVerify["passed"]?.GetValue<bool>() == true;
            page.Raw($"<h3 class=\"last-verify\">Last verify {page.Badge(passed ? "passed" : "failed")}</h3>\n");
            page.Raw($"<p>Release {page.Text(RunReportPage.Str(lastVerify, "release"))} in {page.Text(RunReportPage.Str(lastVerify, "container"))}, checked {page.Text(RunReportPage.Str(lastVerify, "checkedAt"))}.</p>\n");
            RunReportPage.WriteChecks(page, checks);
        }
        History(page, status.History);
        page.Raw("</section>\n");
    }

    private static void WhatRuns(HtmlPage page, DeploymentStatus status)
    {
        page.Heading(3, "What runs");
        var facts = new List<(string, string)> { ("engine", page.Text(status.Engine)), ("current release", page.Text(status.CurrentRelease ?? "none")) };
        if (status.Container is { } c)
        {
            facts.Add(("container", $"<code>{page.Text(c.Name)}</code> {page.Badge(c.State)}{(c.Health is null ? "" : " " + page.Badge(c.Health))}"));
            facts.Add(("release", page.Text(c.Owner.Release ?? status.CurrentRelease ?? "unknown")));
            facts.Add(("version", page.Text(c.Owner.Version ?? "not recorded")));
            facts.Add(("since", page.Text(At(c.StartedAt))));
            facts.Add(("restarts", page.Text(c.RestartCount.ToString(CultureInfo.InvariantCulture))));
            facts.Add(("image", $"<code>{page.Text(c.ImageId)}</code>"));
            facts.Add(("digest", c.Digest is null ? page.Text("none (built here, never pushed)") : $"<code>{page.Text(c.Digest)}</code>"));
            facts.Add(("started by", page.Text(c.IsOurs ? "this deployment" : c.Owner.Describe())));
        }
        else facts.Add(("container", page.Badge("not running", Tone.Bad)));
        facts.Add(("last verified", page.Text(status.LastVerified is { } v ? $"{v.Release} ({v.Version}) at {At(v.FinishedAt)}" : "none")));
        facts.Add(("deploy lock", status.Lock.Held
            ? $"{page.Badge("held")} {page.Text(status.Lock.Owner?.ToString() ?? "by a process that has not named itself yet")}"
            : page.Badge("free")));
        page.Facts(facts);
    }

    /// <summary>Disk and memory, each against its limit from environments.json, with its word.</summary>
    private static void Resources(HtmlPage page, HostResources r)
    {
        page.Heading(3, "Disk and memory");
        page.Table(["resource", "state", "host reports", "limit (environments.json)"],
        [
            [page.Text("free disk"), DiskBadge(page, r), page.Text($"{Mb(r.FreeDiskBytes)} free for {r.DiskPath}"), page.Text($"at least {r.MinFreeDiskMb} MB (minFreeDiskMb)")],
            [page.Text("container memory"), MemoryBadge(page, r),
                page.Text(r.ContainerMemory is { } used ? $"{Mb(used)} used ({r.MemoryUsedPercent!.Value.ToString("0", CultureInfo.InvariantCulture)} %)" : "no container runs"),
                page.Text($"{r.MemoryLimitMb} MB (memoryLimitMb)")],
            [page.Text("host memory"), page.Badge(r.HostMemoryLow ? "low" : "ok", r.HostMemoryLow ? Tone.Bad : Tone.Good), page.Text($"{Mb(r.HostMemoryBytes)} in the Docker host"),
                page.Text($"at least {r.MinMemoryMb} MB (minMemoryMb)")],
        ], "resources");
    }

    private static string DiskBadge(HtmlPage page, HostResources r) =>
        page.Badge(r.DiskLow ? "low" : "ok", r.DiskLow ? Tone.Bad : Tone.Good) + " " + page.Text($"{Mb(r.FreeDiskBytes)} free");

    private static string MemoryBadge(HtmlPage page, HostResources r) => r.MemoryUsedPercent is { } percent
        ? page.Badge(r.MemoryHigh ? "high" : "ok", r.MemoryHigh ? Tone.Bad : Tone.Good) + " " + page.Text($"{percent.ToString("0", CultureInfo.InvariantCulture)} % of {r.MemoryLimitMb} MB")
        : page.Badge("not running", Tone.Neutral);

    private static void Backups(HtmlPage page, EnvironmentDashboard environment, DateTimeOffset now)
    {
        page.Heading(3, $"Backups (newest first, {environment.Backups.Count})");
        if (environment.BackupsNote is { } note) page.Raw($"<p>{page.Text(note)}</p>\n");
        else if (environment.Backups.Count == 0) page.Raw("<p>None yet: each deploy makes one.</p>\n");
        else page.Table(["backup", "age", "written", "size", "checksum"], environment.Backups.Select(b => (IReadOnlyList<string>)
        [
            $"<code>{page.Text(b.Name)}</code>",
            page.Text(Age(now - b.WrittenAt)),
            page.Text(At(b.WrittenAt)),
            page.Text(ReleaseListing.Size(b.Bytes)),
            b.Sha256 is null ? page.Badge("missing", Tone.Bad) : page.Badge("recorded", Tone.Good),
        ]), "backups");
    }

    /// <summary>The history, newest first: each deploy, verify, rollback and restore with its result in words.</summary>
    private static void History(HtmlPage page, IReadOnlyList<HistoryEntry> history)
    {
        page.Heading(3, $"History (newest first, {history.Count} entries)");
        if (history.Count == 0)
        {
            page.Raw("<p>No history yet.</p>\n");
            return;
        }
        page.Table(["finished", "action", "result", "release", "took", "detail"], history.Reverse().Select(entry => (IReadOnlyList<string>)
        [
            page.Text(At(entry.FinishedAt)),
            page.Text(Word(entry.Action.ToString())),
            page.Badge(Word(entry.Result.ToString())),
            page.Text(entry.Release == entry.Version ? entry.Release : $"{entry.Release} ({entry.Version})"),
            page.Text($"{(entry.FinishedAt - entry.StartedAt).TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s"),
            page.Text(entry.Note),
        ]), "history");
    }

    /// <summary>How old something is, in the largest whole unit: 45 s, 12 min, 5 h, 3 d.</summary>
    public static string Age(TimeSpan age) => age switch
    {
        { TotalMinutes: < 1 } => $"{Math.Max(0, (int)age.TotalSeconds)} s",
        { TotalHours: < 1 } => $"{(int)age.TotalMinutes} min",
        { TotalDays: < 2 } => $"{(int)age.TotalHours} h",
        _ => $"{(int)age.TotalDays} d",
    };

    private static string Mb(long bytes) => $"{(bytes / 1024.0 / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} MB";

    private static string Word(string name) => name.ToLowerInvariant();

    private static string At(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
