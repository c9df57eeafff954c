using QtsOps.Core.Bundling;

namespace QtsOps.Build.Releasing;

/// <summary>
/// requireVerifiedRelease: before a deploy or rollback to such an environment changes anything, the
/// release's bundle passes verify-release and is the release that goes there (<see cref="VerifiedRelease"/>).
/// </summary>
public sealed class ReleaseGate(ReleaseVerifier verifier, string environment)
{
    public void RequireForDeploy(string bundle, string checkoutVersion)
    {
        if (VerifiedRelease.DeployMismatch(environment, bundle, Verified(bundle), checkoutVersion) is { } refusal) throw new PipelineException(refusal);
    }

    /// <returns>The version to put back: the bundle's.</returns>
    public string RequireForRollback(string? bundle, string? rollbackTo)
    {
        if (VerifiedRelease.RollbackWithoutBundle(environment, bundle) is { } refusal) throw new PipelineException(refusal);
        var version = Verified(bundle!);
        if (VerifiedRelease.RollbackMismatch(bundle!, version, rollbackTo) is { } mismatch) throw new PipelineException(mismatch);
        return version;
    }

    private string Verified(string bundle) => verifier.Run(bundle).Version
        ?? throw new PipelineException($"The bundle {bundle} verified, but its provenance names no version. Fix: rebuild it with ./build.sh --target=bundle.");
}
