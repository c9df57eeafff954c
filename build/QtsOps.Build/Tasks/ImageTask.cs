using QtsOps.Build.Deployment;
using QtsOps.Build.Images;
using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("image")]
[TaskDescription("Builds the qts-observer image from the package (skipped when an image of the same inputs exists)")]
[IsDependentOn(typeof(PackageTask))]
public sealed class ImageTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => new Wiring(context).ImageBuilder().Run();

    public override void OnError(Exception exception, BuildContext context) => context.Reporting.ReportFailure("image", exception);
}
