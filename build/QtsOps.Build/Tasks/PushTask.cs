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
        Publishes(context) || SkipBecause(context.Target.DockerHost is null
            ? $"'{context.EnvironmentName}' deploys on this machine's engine; run --target=push to publish"
            : $"'{context.EnvironmentName}' has no registry: deploy copies the image to its host over ssh");

    /// <summary>
    /// Whether push publishes when it is reached: asked for, or implied by a remote host that pulls from
    /// the registry, or by a bundle, which names the image by the registry's digest. A deploy to this machine's engine runs the image it just built, and a remote host
    /// without a registry gets it over ssh.
    /// </summary>
    public static bool Publishes(BuildContext context) =>
        context.IsRequestedTarget("push") || context.IsRequestedTarget("bundle") || (context.Target.DockerHost is not null && RegistryAccess.RegistryOf(context) is not null);

    // Decided from the settings alone, so a dry run shows the same skip.
    public override bool ShouldRunInDryRun(BuildContext context) => ShouldRun(context);

    public override void Run(BuildContext context) => context.PushedDigest.Value = new Wiring(context).ImagePublisher().Run().Digest;

    public override void OnError(Exception exception, BuildContext context) => context.Reporting.ReportFailure("push", exception);
}
