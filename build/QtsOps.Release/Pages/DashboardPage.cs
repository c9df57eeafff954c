using System.Globalization;
using System.Text.Json.Nodes;
using QtsOps.Release.Deployment;

namespace QtsOps.Release.Pages;

/// <summary>
/// artifacts/dashboard/index.html: what runs in an environment (release, version, image and digest,
/// health, since when), its deploy lock, the last verify's checks and its history, newest first, from
/// what status reads and what verify recorded.
/// </summary>
public static class DashboardPage
{
    public const string Directory = "dashboard";

    /// <summary>The history entries the page shows: --limit's most; the page stays under 500 KB with them (DashboardPageTests).</summary>
    public const int HistoryEntries = 1000;

    /// <param name="lastVerify">artifacts/reports/verify.json when it is this environment's, else null.</param>
    public static string Render(DeploymentStatus status, JsonObject? lastVerify, DateTimeOffset generatedAt, Func<string, string> mask)
    {
        var page = new HtmlPage($"QtsOps dashboard · {status.Environment}", mask);
        var health = status.Container switch
        {
            null => "not running",
            { Health: { } h } => h,
            var c => c.State,
        };
        page.Raw($"<h1>QtsOps dashboard: {page.Text(status.Environment)} {page.Badge(health)}</h1>\n");
        page.Raw($"<p>{page.Text(status.Summary)}. Read {page.Text(At(generatedAt))}.</p>\n");
        WhatRuns(page, status);
        if (lastVerify?["checks"] is JsonArray checks)
        {
            var passed = lastVerify["passed"]?.GetValue<bool>() == true;
            page.Raw($"<h2 id=\"last-verify\">Last verify {page.Badge(passed ? "passed" : "failed")}</h2>\n");
            page.Raw($"<p>Release {page.Text(RunReportPage.Str(lastVerify, "release"))} in {page.Text(RunReportPage.Str(lastVerify, "container"))}, checked {page.Text(RunReportPage.Str(lastVerify, "checkedAt"))}.</p>\n");
            RunReportPage.WriteChecks(page, checks);
        }
        History(page, status.History);
        return page.ToString();
    }

    private static void WhatRuns(HtmlPage page, DeploymentStatus status)
    {
        page.Heading(2, "What runs", "what-runs");
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

    /// <summary>The history, newest first: each deploy, verify, rollback and restore with its result in words.</summary>
    private static void History(HtmlPage page, IReadOnlyList<HistoryEntry> history)
    {
        page.Heading(2, $"History (newest first, {history.Count} entries)", "history");
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
            page.Text(entry.Detail),
        ]), "history");
    }

    private static string Word(string name) => name.ToLowerInvariant();

    private static string At(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
