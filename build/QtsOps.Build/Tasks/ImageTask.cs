using QtsOps.Build.Deployment;
using QtsOps.Build.Images;
using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("image")]
[TaskDescription("Builds the qts-observer image from the package (skipped when an image of the same inputs exists)")]
[IsDependentOn(typeof(PackageTask))]
public sealed class ImageTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        if (new Wiring(context).ImageBuilder().Run() is { Built: false } existing)
            SkippedWhileRunning($"image {existing.Id[7..19]} of the same inputs exists; tagged {context.Checkout.VersionTag}");
    }

    public override void OnError(Exception exception, BuildContext context) => context.Reporting.ReportFailure("image", exception);
}
