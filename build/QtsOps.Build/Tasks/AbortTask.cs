using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("abort")]
[TaskDescription("Ends the canary a deploy --canary-hold left running: every request back to the stable release, the canary stopped, recorded as failed")]
public sealed class AbortTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => new Wiring(context).HeldCanaryEnd().Abort();
}
