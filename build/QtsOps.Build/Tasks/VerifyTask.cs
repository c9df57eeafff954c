using QtsOps.Build.Deployment;
using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("verify")]
[TaskDescription("Runs the post-deploy checklist on what runs in the environment, the current release (reports/verify.*); a failure rolls back to the last verified release")]
public sealed class VerifyTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => new Wiring(context).VerifyStep().Run();
}
