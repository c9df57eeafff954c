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
        // The last verify this checkout recorded, when it checked this environment.
        var verify = RunReportPage.ReadReport(Path.Combine(context.Reporting.ReportsDirectory, "verify.json"))?.Json;
        if (verify?["environment"]?.ToString() != context.EnvironmentName) verify = null;
        var file = Path.Combine(context.ArtifactsDirectory, DashboardPage.Directory, DashboardPage.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, DashboardPage.Render(status, verify, DateTimeOffset.UtcNow, context.Reporting.Mask));
        var summary = $"{status.Summary}.\n\nThe dashboard, with {status.History.Count} history entries: `{Path.GetRelativePath(context.RepositoryRoot, file)}`.\n";
        context.Reporting.AddSummarySection($"Dashboard ({context.EnvironmentName})", summary);
        context.Log.Information($"{status.Summary}. Dashboard: {file}");
    }
}
