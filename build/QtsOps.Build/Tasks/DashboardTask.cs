using Cake.Core.Diagnostics;
using QtsOps.Host;
using QtsOps.Core.Pages;

namespace QtsOps.Build.Tasks;

[TaskName("dashboard")]
[TaskDescription("Writes artifacts/dashboard/index.html: each environment (or the one --env names) with what runs, disk and memory, backups, the lock, the last verify and the history; changes nothing")]
public sealed class DashboardTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        // --env (or QTSOPS_ENV) given: that environment, with the run's overrides; else every one environments.json declares.
        IReadOnlyList<string> names = context.Options.IsGiven(PipelineOptions.Environment) ? [context.EnvironmentName] : context.DeclaredEnvironments;
        var environments = names.SelectMany(name => (name == context.EnvironmentName ? new Wiring(context) : new Wiring(context, context.Provisioned(name)))
            .Dashboards(DashboardPage.HistoryEntries)).ToList();
        var file = context.Reporting.WriteDashboard(environments);
        var lines = string.Join("\n", environments.Select(e => $"- {e.Summary}"));
        context.Reporting.AddSummarySection($"Dashboard ({string.Join(", ", names)})",
            $"{lines}\n\nThe dashboard: `{Path.GetRelativePath(context.RepositoryRoot, file)}`.\n");
        foreach (var environment in environments)
            if (environment.Unreachable is null) context.Log.Information(environment.Summary);
            else context.Log.Warning(environment.Summary);
        context.Log.Information($"Dashboard: {file}");
    }
}
