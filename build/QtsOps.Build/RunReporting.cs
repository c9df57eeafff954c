using Cake.Common.Build;
using Cake.Common.Build.GitHubActions.Commands;
using Cake.Common.Build.GitHubActions.Data;
using Cake.Core;
using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment.Fleet;
using QtsOps.Host;
using QtsOps.Host.Options;
using QtsOps.Core.Deployment;
using QtsOps.Core.GitHubActions;
using QtsOps.Core.Notifications;
using QtsOps.Core.Pages;
using QtsOps.Core.Reports;
using QtsOps.Tools;
using QtsOps.Tools.Git;
using QtsOps.Tools.Http;

namespace QtsOps.Build;

/// <summary>
/// Where a run tells people what happened: its log, the reports under artifacts/reports, the GitHub
/// Actions step summary and annotations, and the webhook. Every secret the run was given is masked on
/// the runner before anything is printed.
/// </summary>
public sealed class RunReporting
{
    private readonly ICakeContext _cake;
    private readonly string _repositoryRoot;
    private readonly string _environmentName;
    private readonly Checkout _checkout;
    private readonly IReadOnlyList<string> _secretValues;
    private readonly string? _webhook;
    private readonly SecretMasker _masker;

    /// <param name="secretValues">The secret values this run was given: masked in failure reports, and on the runner.</param>
    /// <param name="webhook">The --notify-webhook URL (a secret too), or null.</param>
    /// <param name="repositoryRoot">Annotations name their files relative to it.</param>
    public RunReporting(ICakeContext cake, string repositoryRoot, string reportsDirectory, string environmentName, Checkout checkout, IReadOnlyList<string> secretValues, string? webhook)
    {
        (_cake, _repositoryRoot, ReportsDirectory, _environmentName, _checkout, _secretValues, _webhook) = (cake, repositoryRoot, reportsDirectory, environmentName, checkout, secretValues, webhook);
        _masker = new SecretMasker(secretValues);
        Log = new HostNamingLog(cake.Log);
        // Before anything else is printed, so that no later line of this job shows them.
        if (IsGitHubActions) MaskSecrets();
    }

    /// <summary>The run's console log; a line written for one host of several names it (<see cref="HostNamingLog"/>).</summary>
    public ICakeLog Log { get; }

    /// <summary>The text with every secret this run was given masked, for what a page or report shows.</summary>
    public string Mask(string text) => _masker.Mask(text);

    /// <summary>artifacts/reports.</summary>
    public string ReportsDirectory { get; }

    /// <summary>
    /// Writes artifacts/reports/&lt;target&gt;.json and .md (<see cref="ReportWriter"/>), &lt;target&gt;.&lt;host&gt; for one host's
    /// share of a run on several; returns what <see cref="ReportWriter.Write"/> does.
    /// </summary>
    public string Write(string target, string status, object details, string markdown, IReadOnlyList<Finding> findings)
    {
        // A host's share of a run on several writes its own (deploy.east), never over another host's.
        if (HostNamingLog.Current is { } host) target = $"{target}.{host}";
        lock (_reports)
        {
            var written = ReportWriter.Write(ReportsDirectory, target, status, details, markdown, findings);
            Wrote(target);
            return written;
        }
    }

    private readonly HashSet<string> _reports = new(StringComparer.Ordinal);

    /// <summary>Records a report this run wrote (those the pure core writes itself: validate's, package's), so that its loss is noticed.</summary>
    public void Wrote(string target)
    {
        lock (_reports) _reports.Add(target);
    }

    /// <summary>clean removes artifacts/ on purpose: the reports written before it are not expected to stay.</summary>
    public void ForgetReports()
    {
        lock (_reports) _reports.Clear();
    }

    /// <summary>
    /// Fails a run whose reports are gone: artifacts/ was removed while it ran (by hand, another
    /// checkout's clean), so what it says it did can no longer be read.
    /// </summary>
    public void EnsureReportsKept()
    {
        List<string> gone;
        lock (_reports) gone = _reports.Where(target => !File.Exists(Path.Combine(ReportsDirectory, target + ".json"))).Order(StringComparer.Ordinal).ToList();
        if (gone.Count > 0)
            throw new PipelineException($"The reports of {string.Join(", ", gone)} are gone from {ReportsDirectory}: artifacts/ was removed while the run went on. " +
                "Fix: run again, and leave artifacts/ alone until the run ends (--target=clean removes it at the start of a run).");
    }

    /// <summary>Running as a GitHub Actions step (GITHUB_ACTIONS=true).</summary>
    public bool IsGitHubActions => IsGitHubActionsEnvironment(_cake.Environment.GetEnvironmentVariable);

    public static bool IsGitHubActionsEnvironment(Func<string, string?> variable) =>
        variable("GITHUB_ACTIONS") is { } value && SwitchOption.ParseSwitch(value) == true;

    private readonly List<(string Title, string Markdown)> _summarySections = [];

    /// <summary>
    /// Adds a Markdown section (a plan summary, a verify table) to what the run appends to the GitHub
    /// step summary after the task table. Outside GitHub Actions the sections are not written anywhere.
    /// </summary>
    public void AddSummarySection(string title, string markdown)
    {
        // Hosts verifying at once add their sections at once, each named for its host.
        if (HostNamingLog.Current is { } host) title = $"{title} [{host}]";
        lock (_summarySections) _summarySections.Add((title, markdown));
    }

    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    /// <summary>Logs a warning the first time only: for what every read of a file finds again (a skipped history line).</summary>
    public void WarnOnce(string warning)
    {
        bool first;
        lock (_warned) first = _warned.Add(warning);
        if (first) Log.Warning(warning);
    }

    /// <summary>
    /// The report of a target that failed, whichever step failed: status failed and the error as its
    /// finding, secrets masked. Tasks call it from OnError; it never throws over the task's own error.
    /// </summary>
    public void ReportFailure(string target, Exception error)
    {
        var message = _masker.Mask(error.Message);
        try
        {
            Write(target, "failed", new { environment = _environmentName, version = _checkout.Version },
                $"# {target}: {_environmentName}\n\n**failed**.", [Finding.FromError($"{target}/failed", message)]);
        }
        catch (Exception writing)
        {
            Log.Warning($"Could not write the {target} report: {writing.Message}");
        }
    }

    /// <summary>
    /// Shows a report finding as a GitHub annotation on its file and line (report writers call it for
    /// each finding, e.g. <c>context.Reporting.Annotate(f.Severity, $"{f.Rule}: {f.Message} Fix: {f.Fix}", f.File, f.Line)</c>).
    /// Outside GitHub Actions it does nothing: the report and the log carry the finding.
    /// </summary>
    /// <param name="file">Absolute or relative to the repository root.</param>
    public void Annotate(string severity, string message, string? file = null, int? line = null, string? title = null)
    {
        if (!IsGitHubActions) return;
        var relative = file is null ? null
            : (Path.IsPathRooted(file) ? Path.GetRelativePath(_repositoryRoot, file) : file).Replace('\\', '/');
        var annotation = new GitHubActionsAnnotation { File = relative, StartLine = relative is null ? null : line, Title = title };
        switch (severity.ToLowerInvariant())
        {
            case "error": GitHub.Error(message, annotation); break;
            case "warning": GitHub.Warning(message, annotation); break;
            default: GitHub.Notice(message, annotation); break;
        }
    }

    private GitHubActionsCommands? _gitHub;

    /// <summary>Cake.Common's GitHub Actions commands, writing through this run's log so that they keep their place among its lines.</summary>
    private GitHubActionsCommands GitHub => _gitHub ??= new GitHubActionsCommands(_cake.Environment, _cake.FileSystem, new LogMessageWriter(Log),
        new GitHubActionsEnvironmentInfo(_cake.Environment), _ => new HttpClient());

    /// <summary>Registers each line of every secret this run was given with the runner, which then hides it in all later output.</summary>
    private void MaskSecrets()
    {
        foreach (var line in SecretLines.Of(_secretValues)) GitHub.SetSecret(line);
    }

    private sealed class LogMessageWriter(ICakeLog log) : IBuildSystemServiceMessageWriter
    {
        public void Write(string format, params object[] args) => log.Write(Verbosity.Quiet, LogLevel.Information, format, args);
    }

    /// <summary>
    /// When the run ends (the host calls it): under GitHub Actions, an error annotation for each failed
    /// task, so that the run's page says what failed, and the summary appended to $GITHUB_STEP_SUMMARY.
    /// </summary>
    public void ReportToGitHubActions(TaskSummary summary)
    {
        if (!IsGitHubActions) return;
        foreach (var failed in summary.Entries.Where(e => e.Outcome == TaskOutcome.Failed))
            Annotate("error", failed.Note ?? "failed", title: $"{failed.Task} failed");
        var path = _cake.Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY");
        if (string.IsNullOrEmpty(path)) return;
        var arguments = _cake.Arguments;
        var targets = arguments.HasArgument("target") ? string.Join(", ", arguments.GetArguments("target")) : CakeHost.DefaultTarget;
        var heading = $"QtsOps {targets} · {_environmentName} · {_checkout.VersionDescription}";
        try
        {
            GitHub.SetStepSummary(StepSummary.Compose(heading, summary.ToMarkdown(), _summarySections));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Log.Warning($"Could not write the step summary to {path}: {exception.Message}");
        }
    }

    /// <summary>
    /// When the run ends (the host calls it): artifacts/reports/index.html (<see cref="RunReportPage"/>)
    /// from the task table and the JSON reports this run wrote, secrets masked. A failure to write it
    /// is a warning: the page never changes the run's result.
    /// </summary>
    public void WriteRunReport(TaskSummary summary)
    {
        try
        {
            var arguments = _cake.Arguments;
            var targets = arguments.HasArgument("target") ? string.Join(", ", arguments.GetArguments("target")) : CakeHost.DefaultTarget;
            var (version, commit) = _cake.GitIsRepository(_repositoryRoot) ? (_checkout.Version, _checkout.Commit.Sha) : ("(no git repository, no version)", "(none)");
            var run = new RunFacts(targets, _environmentName, version, commit, RanBy(), DateTimeOffset.UtcNow);
            var tasks = summary.Entries.Select(e => new RunTask(e.Task, TaskSummary.Label(e.Outcome), e.Duration, e.Note)).ToList();
            WritePage(Path.GetFileName(ReportsDirectory), RunReportPage.Render(run, tasks, RunReportPage.ReadReports(ReportsDirectory, _reports), Mask));
        }
        catch (Exception exception)
        {
            Log.Warning($"Could not write the run report {Path.Combine(ReportsDirectory, HtmlPage.FileName)}: {_masker.Mask(exception.Message)}");
        }
    }

    /// <summary>
    /// artifacts/dashboard/index.html (<see cref="DashboardPage"/>) from what was read of each environment and
    /// the last verify report (shown under the environment it names); returns its path.
    /// </summary>
    public string WriteDashboard(IReadOnlyList<EnvironmentDashboard> environments)
    {
        var verify = RunReportPage.ReadReport(Path.Combine(ReportsDirectory, "verify.json"))?.Json;
        return WritePage(DashboardPage.Directory, DashboardPage.Render(environments, verify, DateTimeOffset.UtcNow, Mask));
    }

    /// <summary>--tree --html: artifacts/graph/index.html (<see cref="TaskGraphPage"/>); returns its path.</summary>
    public string WriteTaskGraph(IReadOnlyList<string> targets, IReadOnlyList<PlannedTask> plan)
    {
        var tasks = plan.Select(t => new GraphTask(t.Name, t.Description, t.DependsOn, t.SkipReason)).ToList();
        return WritePage(TaskGraphPage.Directory, TaskGraphPage.Render(targets, _environmentName, tasks, Mask));
    }

    /// <summary>Writes artifacts/&lt;directory&gt;/index.html; returns its path.</summary>
    private string WritePage(string directory, string html)
    {
        var file = Path.Combine(Path.GetDirectoryName(ReportsDirectory)!, directory, HtmlPage.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, html);
        return file;
    }

    /// <summary>The GitHub actor and run under GitHub Actions, else this machine's user.</summary>
    private string RanBy()
    {
        var variable = _cake.Environment.GetEnvironmentVariable;
        if (IsGitHubActions && variable("GITHUB_ACTOR") is { Length: > 0 } actor)
            return $"{actor} (GitHub Actions{(variable("GITHUB_RUN_ID") is { Length: > 0 } run ? $" run {run}" : "")})";
        return $"{Environment.UserName}@{Environment.MachineName}";
    }

    /// <summary>
    /// Posts <c>{"text": ...}</c> about the event to the webhook of --notify-webhook or
    /// QTSOPS_NOTIFY_WEBHOOK, when one is set. A failure is a warning: a notification never fails the
    /// pipeline. The URL is a secret and is logged as scheme and host only.
    /// </summary>
    /// <param name="version">The version the event is about, when not this checkout's (verify and rollback act on what runs).</param>
    public void Notify(NotificationEvent kind, string detail, string? version = null)
    {
        var url = _webhook;
        var redacted = url is null ? "" : WebhookUrl.Redact(url);
        try
        {
            // The detail is often an exception's text: host stderr and service log lines may carry a secret.
            var text = NotificationMessage.Text(kind, _environmentName, version ?? _checkout.Version, Mask(detail));
            if (url is null)
            {
                Log.Verbose($"No webhook set (--notify-webhook or QTSOPS_NOTIFY_WEBHOOK); not sent: {text}");
                return;
            }
            _cake.WebhookPost(url, NotificationMessage.Json(text), new WebhookSettings());
            Log.Information($"Notified {redacted}: {text}");
        }
        catch (Exception exception)
        {
            Log.Warning($"The {kind} notification to {redacted} failed, and the run goes on: {(url is null ? exception.Message : exception.Message.Replace(url, redacted))}");
        }
    }
}
