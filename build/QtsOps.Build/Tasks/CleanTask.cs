using Cake.Core.Diagnostics;
using QtsOps.Host;
using QtsOps.Core.Workspace;

namespace QtsOps.Build.Tasks;

[TaskName("clean")]
[TaskDescription("Removes artifacts/ and the caches and logs under src/; keeps .qtsops/ state")]
public sealed class CleanTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var removed = WorkspaceCleaner.Clean(context.RepositoryRoot);
        context.Reporting.ForgetReports();
        context.Log.Information(removed.Count == 0 ? "Nothing to clean." : $"Removed {removed.Count} path(s): {string.Join(", ", removed)}");
    }
}
