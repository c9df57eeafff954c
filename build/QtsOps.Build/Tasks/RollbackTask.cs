using QtsOps.Build.Deployment;
using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("rollback")]
[TaskDescription("Puts back the last verified release (or --to=VERSION) and verifies it (reports/rollback.*); data is kept")]
public sealed class RollbackTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => new Wiring(context).RollbackOnDemand().Run();

    public override void DryRun(BuildContext context) => new Wiring(context).RollbackOnDemand().Preview();
}
