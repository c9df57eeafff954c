using QtsOps.Build.Terraform;
using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("apply")]
[TaskDescription("Applies the saved terraform-plan of this environment and commit (never a stale one); writes .qtsops/terraform/<env>/outputs.json")]
public sealed class ApplyTask : FrostingTask<BuildContext>
{
    public override bool ShouldRun(BuildContext context)
    {
        var terraform = new Wiring(context).Terraform();
        return terraform.NothingToProvision is { } why ? SkipBecause(why) : !terraform.SavedPlanHasNoChanges() || SkipBecause("plan had no changes");
    }

    public override void Run(BuildContext context) => new Wiring(context).Terraform().Apply();
}
