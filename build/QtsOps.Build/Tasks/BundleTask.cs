using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("bundle")]
[TaskDescription("Writes artifacts/bundle/<version>/: package, image (registry digest, OCI archive), SBOMs (CycloneDX), notes, provenance, SHA256SUMS, signed with QTSOPS_SIGNING_KEY")]
[IsDependentOn(typeof(PushTask))]
public sealed class BundleTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => new Wiring(context).BundleWriter().Run();

    public override void OnError(Exception exception, BuildContext context) => context.Reporting.ReportFailure("bundle", exception);
}
