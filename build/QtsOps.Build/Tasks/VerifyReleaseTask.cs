using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("verify-release")]
[TaskDescription("Checks a release bundle (this version's, or --bundle=DIR): checksums, signatures (allowed_signers), provenance, the registry's digest")]
public sealed class VerifyReleaseTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => new Wiring(context).ReleaseVerifier().Run(context.ReleaseBundle);

    public override void OnError(Exception exception, BuildContext context) => context.Reporting.ReportFailure("verify-release", exception);
}
