using QtsOps.Build.Deployment;
using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("restore")]
[TaskDescription("Restores a data backup (--backup=NAME, else the newest) under the current release, the data before kept aside, then verifies it (reports/restore.*)")]
public sealed class RestoreTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => new Wiring(context).Restorer().Run();

    public override void DryRun(BuildContext context) => new Wiring(context).Restorer().Preview();
}
