using QtsOps.Build.Deployment;
using QtsOps.Build.Registry;
using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("push")]
[TaskDescription("Pushes the image's tags to the environment's registry (QTSOPS_REGISTRY_USERNAME/PASSWORD) and confirms the digest")]
[IsDependentOn(typeof(ImageTask))]
public sealed class PushTask : FrostingTask<BuildContext>
{
    public override bool ShouldRun(BuildContext context) =>
        Publishes(context) || SkipBecause($"'{context.EnvironmentName}' deploys on this machine's engine; run --target=push to publish");

    /// <summary>Whether push publishes when it is reached: a deploy to this machine's engine runs the image it just built, so pushing is then asked for, not implied.</summary>
    public static bool Publishes(BuildContext context) => context.Target.DockerHost is not null || context.IsRequestedTarget("push");

    // Decided from the settings alone, so a dry run shows the same skip.
    public override bool ShouldRunInDryRun(BuildContext context) => ShouldRun(context);

    public override void Run(BuildContext context) => new ImagePublisher(DockerEngine.ForImages(context)).Run();

    public override void OnError(Exception exception, BuildContext context) => context.ReportFailure("push", exception);
}
