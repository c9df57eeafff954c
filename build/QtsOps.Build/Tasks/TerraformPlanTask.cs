using QtsOps.Build.Terraform;
using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("terraform-plan")]
[TaskDescription("init, validate and plan the environment's infrastructure; saves the plan and its summary under artifacts/terraform/<env>/")]
public sealed class TerraformPlanTask : FrostingTask<BuildContext>
{
    public override bool ShouldRun(BuildContext context) => new Wiring(context).Terraform().NothingToProvision is not { } why || SkipBecause(why);

    public override void Run(BuildContext context) => new Wiring(context).Terraform().Plan();
}
