using QtsOps.Build.Deployment;
using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("verify")]
[TaskDescription("Runs the post-deploy checklist on the running release (reports/verify.*); a failure rolls back to the last verified release")]
[IsDependentOn(typeof(DeployTask))]
public sealed class VerifyTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => new ReleaseVerification(new DockerEngine(context)).Run();
}
