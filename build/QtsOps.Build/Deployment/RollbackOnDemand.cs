using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Versioning;

namespace QtsOps.Build.Deployment;

/// <summary>The rollback target: puts back the last verified release, or the one --to names, with <see cref="ReleaseRollback"/>; and its dry run.</summary>
/// <param name="rollbackTo">--to: the release to put back, as the user wrote it; null for the last verified one.</param>
public sealed class RollbackOnDemand(DeploySession session, string? rollbackTo, ReleaseRollback rollback) : IRollbackOnDemand
{
    private DeploymentEnvironment Target => session.Target;
    private ICakeLog Log => session.Log;

    public void Run()
    {
        session.Protection.Require(Target.Name, ProtectedChange.Rollback);
        // Said before the engine is asked: the answer is in the host's record alone.
        var host = session.ReadHost();
        // Before "nothing to roll back to": a held canary is current and never verified.
        new HeldCanaryFile(session).RefuseWhileHeld(host, "roll back");
        var to = RequestedRelease(session, rollbackTo, host.Installed);
        if (to is null && session.HistoryOf(host).LastVerified(except: host.Current) is null) throw new PipelineException(NothingToRollBackTo(Target.Name, host));
        session.Engine.EnsureReachable();
        using var held = session.Locks.Acquire($"rollback to {to ?? "the last verified release"}");
        using var interruption = Interruption.Watch(Log, "the rollback");
        var state = session.State;
        new HeldCanaryFile(session).RefuseWhileHeld(state.Host, "roll back");
        if (state.ClaimRefusal("nothing was rolled back", "roll back from that checkout, or deploy here with --take-over.") is { } foreign)
            throw new PipelineException(foreign);
        var current = state.Current;
        to ??= state.History.LastVerified(except: current)?.Release ?? throw new PipelineException(NothingToRollBackTo(Target.Name, state.Host));
        if (to == current && state.Serving is { State.Running: true, State.Health.Status: "healthy" } running && DeploymentState.OwnerOf(running).Release == to)
        {
            Log.Information($"Nothing to roll back: {to} already runs healthy in {state.ServingName}. Nothing was changed or recorded.");
            return;
        }
        var outcome = rollback.Run(failedRelease: current, toRelease: to, interruption.Token);
        if (!outcome.Verified) throw new PipelineException($"Rollback of '{Target.Name}': {outcome.Summary}.");
        Log.Information(outcome.Summary);
    }

    /// <summary>What <see cref="Run"/> would put back, from the release store and the history; changes nothing.</summary>
    public void Preview() => Preview(session, rollbackTo, "then verify it");

    /// <summary>What a rollback of the session's environment would put back (--to, else the last verified release), said; changes nothing.</summary>
    /// <param name="then">What the rollback does once the release is back.</param>
    public static void Preview(DeploySession session, string? rollbackTo, string then)
    {
        var host = session.ReadHost();
        // Before "nothing to roll back to": a held canary is current and never verified.
        new HeldCanaryFile(session).RefuseWhileHeld(host, "roll back");
        var current = host.Current;
        var to = RequestedRelease(session, rollbackTo, host.Installed) ?? session.HistoryOf(host).LastVerified(except: current)?.Release;
        session.Log.Information(to is null
            ? $"(dry run) {NothingToRollBackTo(session.Target.Name, host)}"
            : $"(dry run) would put back {to} on '{session.Target.Name}' in place of {current ?? "nothing (no release is in place)"}, {then}");
    }

    /// <summary>Why there is no release to put back, and what can be done instead: the installed releases --to can name, or a first deploy.</summary>
    public static string NothingToRollBackTo(string environment, HostState host)
    {
        var current = host.Current;
        var others = host.Installed.Where(release => release != current).ToList();
        var why = current is null
            ? $"Nothing to roll back to on '{environment}': no release is in place there, and none ever passed verify"
            : $"Nothing to roll back to on '{environment}': no release but {current}, the one in place, ever passed verify there";
        var fix = others.Count > 0
            ? $"name an installed release with --to=VERSION (installed, newest first: {string.Join(", ", others)})"
            : "deploy the release you want: ./build.sh --target=deploy";
        return $"{why}. Fix: {fix}.";
    }

    /// <summary>
    /// --to as a release name: a version as written (1.2.4+dirty.1a2b3c4d) or as its tag (1.2.4_dirty.1a2b3c4d),
    /// of a release in the store; anything else (another version, a path) is refused before anything changes.
    /// </summary>
    public static string? RequestedRelease(DeploySession session, string? rollbackTo, IReadOnlyList<string> installed)
    {
        if (rollbackTo is not { } given) return null;
        var release = SemanticVersion.TryParse(given, out var parsed) ? parsed.ToDockerTag() : given;
        return installed.Contains(release, StringComparer.Ordinal) ? release
            : throw new PipelineException($"--to={given}: {session.Store.NotInstalled(release)}. Fix: name one of those with --to=VERSION, or leave --to out to put back the last verified release.");
    }
}
