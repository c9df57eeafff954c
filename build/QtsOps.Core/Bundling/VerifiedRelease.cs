using QtsOps.Core.Versioning;

namespace QtsOps.Core.Bundling;

/// <summary>
/// requireVerifiedRelease's rules once a bundle verified: it must be of the release that goes to the
/// environment (this checkout's version for deploy; for rollback the one --to names, when it does).
/// </summary>
public static class VerifiedRelease
{
    /// <summary>Why a rollback to the environment cannot go ahead without a bundle; null when one is given.</summary>
    public static string? RollbackWithoutBundle(string environment, string? bundle) => bundle is not null ? null
        : $"'{environment}' takes verified releases only: a rollback there needs the bundle of the release it puts back. " +
          "Fix: --bundle=DIR (that release's GitHub release assets, downloaded), optionally with --to=VERSION.";

    /// <summary>Why the verified bundle is not the one this deploy installs; null when it is.</summary>
    public static string? DeployMismatch(string environment, string bundle, string bundleVersion, string checkoutVersion) =>
        Same(bundleVersion, checkoutVersion) ? null
            : $"'{environment}' takes verified releases only, and the bundle {bundle} is of {bundleVersion}, not of {checkoutVersion} that this run deploys. " +
              $"Fix: give the bundle of {checkoutVersion} with --bundle=DIR, or check out the tag of {bundleVersion}.";

    /// <summary>Why the verified bundle is not the release --to asks for; null when it is or --to is not given.</summary>
    public static string? RollbackMismatch(string bundle, string bundleVersion, string? rollbackTo) =>
        rollbackTo is null || Same(bundleVersion, rollbackTo) ? null
            : $"--to={rollbackTo}, but the bundle {bundle} is of {bundleVersion}. Fix: give the bundle of {rollbackTo}, or leave --to out to put back {bundleVersion}.";

    /// <summary>The same version however it is written: 1.2.4+dirty.1a2b3c4d or its tag 1.2.4_dirty.1a2b3c4d.</summary>
    public static bool Same(string a, string b) => Tag(a) == Tag(b);

    private static string Tag(string version) => SemanticVersion.TryParse(version, out var parsed) ? parsed.ToDockerTag() : version;
}
