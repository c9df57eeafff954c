using QtsOps.Build.Deployment;
using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("down")]
[TaskDescription("Stops and removes the environment's containers (edge, slots); keeps its data, releases, backups and history (--approve when protected)")]
public sealed class DownTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => new Wiring(context).Teardown().Run();

    public override void OnError(Exception exception, BuildContext context) => context.Reporting.ReportFailure("down", exception);
}
