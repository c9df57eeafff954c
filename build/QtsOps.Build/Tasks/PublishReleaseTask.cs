using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("publish-release")]
[TaskDescription("Publishes the verified bundle as the GitHub release of its tag with gh (assets, notes as the body, pre-releases marked); GH_TOKEN")]
[IsDependentOn(typeof(BundleTask))]
public sealed class PublishReleaseTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => new Wiring(context).ReleasePublisher().Run(context.ReleaseBundle);

    public override void OnError(Exception exception, BuildContext context) => context.Reporting.ReportFailure("publish-release", exception);
}
