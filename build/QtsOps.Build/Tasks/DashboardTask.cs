using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;
using QtsOps.Host;
using QtsOps.Release.Pages;

namespace QtsOps.Build.Tasks;

[TaskName("dashboard")]
[TaskDescription("Writes artifacts/dashboard/index.html: what runs in the environment, the deploy lock, the last verify's checks and the history; changes nothing")]
public sealed class DashboardTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var status = new Wiring(context).Status().Read(DashboardPage.HistoryEntries);
        var file = context.Reporting.WriteDashboard(status);
        var summary = $"{status.Summary}.\n\nThe dashboard, with {status.History.Count} history entries: `{Path.GetRelativePath(context.RepositoryRoot, file)}`.\n";
        context.Reporting.AddSummarySection($"Dashboard ({context.EnvironmentName})", summary);
        context.Log.Information($"{status.Summary}. Dashboard: {file}");
    }
}
