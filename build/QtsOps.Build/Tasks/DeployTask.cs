using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;
using QtsOps.Host;
using QtsOps.Core.Deployment;

namespace QtsOps.Build.Tasks;

[TaskName("deploy")]
[TaskDescription("Deploys the image to the environment: checks, lock, data backup, install, compose up, healthy (rolls back on failure)")]
[IsDependentOn(typeof(ImageTask))]
public sealed class DeployTask : FrostingTask<BuildContext>
{
    private IReleaseDeployer? _deployer;

    // One deployer for the decision and the deploy: what the skip check learned of the engine is not asked again.
    private IReleaseDeployer DeployerFor(BuildContext context) => _deployer ??= new Wiring(context).Deployer();

    public override bool ShouldRun(BuildContext context) =>
        context.Options.Get(PipelineOptions.ForceDeploy) || DeployerFor(context).AlreadyRunning() is not { } reason || SkipBecause(reason);

    public override void Run(BuildContext context) => DeployerFor(context).Run();

    // Also a failure in ShouldRun (the engine cannot be reached) leaves its report.
    public override void OnError(Exception exception, BuildContext context) => context.Reporting.ReportFailure("deploy", exception);

    public override void DryRun(BuildContext context)
    {
        var target = context.Target;
        var layout = new SlotLayout(target.ContainerName, target.ComposeProject);
        var where = target.Strategy.UsesEdge()
            ? $"in the slot beside the one that serves ({layout.SlotContainer(Slot.A)} or {layout.SlotContainer(Slot.B)}), behind the edge {layout.EdgeContainer} on {target.Bind}:{target.Port}"
            : $"in container {target.ContainerName} on {target.Bind}:{target.Port}";
        context.Log.Information($"(dry run) would deploy {context.Checkout.Version} (release {context.Checkout.VersionTag}) to '{context.EnvironmentName}' on {new Wiring(context).Engine.Describe()}, {where}");
    }
}
