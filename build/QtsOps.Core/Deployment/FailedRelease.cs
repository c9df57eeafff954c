using QtsOps.Core.Environments;

namespace QtsOps.Core.Deployment;

/// <summary>What becomes of a release that failed its deploy or verify: rolled back, or left as it is, and why.</summary>
public static class FailedRelease
{
    /// <param name="noRollback">Where rollback was turned off (--no-rollback or its variable); null when it was not.</param>
    /// <returns>Null when the release is to be rolled back; else that it was left as it is, why, and how to roll back by hand.</returns>
    public static string? WhyLeftAsItIs(string release, string environment, string? noRollback, bool automaticRollback, ProtectionPolicy protection)
    {
        if (noRollback is not null || !automaticRollback)
            return $"{release} was left as it is (rollback disabled: {noRollback ?? "automaticRollback is false"}); ./build.sh --target=rollback puts back the last verified release";
        // A verify on its own needs the same approval for its rollback as the rollback target (a deploy has it already).
        if (protection.ChangeRefusal(environment, ProtectedChange.Rollback) is { } refusal)
            return $"{release} was left as it is ({refusal}); ./build.sh --target=rollback --approve puts back the last verified release";
        return null;
    }
}
