using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("promote")]
[TaskDescription("Ends the canary a deploy --canary-hold left running: every request to it, the old slot stopped, recorded as deployed")]
public sealed class PromoteTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => new Wiring(context).HeldCanaryEnd().Promote();
}
