using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Fleet;

namespace QtsOps.Build.Deployment;

/// <summary>
/// A canary's window (issue 24, point 5): the edge sends the environment's canary share of requests to the new release's slot
/// beside the stable one (<see cref="Edge.Split"/>) for canary.seconds, then what the edge logged over that window is judged
/// (<see cref="CanaryJudgement"/>). The verdict is kept for the deploy's report. Promoting or withdrawing is the starter's: it switches the edge.
/// </summary>
/// <param name="hold">--canary-hold: the canary is left running after its window, whatever the verdict, until --target=promote or --target=abort.</param>
public sealed class CanaryRelease(DeploySession session, Edge edge, CanarySettings settings, bool hold)
{
    /// <summary>The last verdict, for the deploy's report; null before the window ended.</summary>
    public CanaryVerdict? Verdict { get; private set; }

    /// <summary>The window ended and the canary is left running (--canary-hold): the deploy keeps it on the host instead of recording it.</summary>
    public bool IsHeld => hold && Verdict is not null;

    /// <summary>The canary <see cref="Keep"/> left on the host, as written there; null until then.</summary>
    public HeldCanary? Kept { get; private set; }

    private (Slot Slot, string? Release) _stable;

    /// <summary>Splits the requests, waits the window and judges. A cancellation during the window (Ctrl-C) throws, as any failure does: the caller puts the stable slot back.</summary>
    public CanaryVerdict Judge(Slot stable, DeploymentState state, CancellationToken cancellation)
    {
        _stable = (stable, state.Container(session.Layout.SlotContainer(stable)) is { } serving ? DeploymentState.OwnerOf(serving).Release : null);
        edge.Split(stable, settings.Percent, state);
        var from = DateTimeOffset.UtcNow;
        session.Log.Information($"The canary takes {settings.Percent}% of requests for {settings.Seconds} s; then it is judged on what both sides answered");
        cancellation.WaitHandle.WaitOne(TimeSpan.FromSeconds(settings.Seconds));
        cancellation.ThrowIfCancellationRequested();
        var verdict = Verdict = CanaryJudgement.Judge(edge.CanaryLog(), settings, from, DateTimeOffset.UtcNow);
        session.Log.Information($"The canary's window: {Figures(verdict)}. Verdict: {(verdict.Outcome == CanaryOutcome.Promote ? "promote" : "withdraw")}, as {verdict.Reason}");
        return verdict;
    }

    /// <summary>Keeps the held canary on the host, with the deploy's <paramref name="pending"/> entry, recorded when it is ended.</summary>
    public void Keep(HistoryEntry pending)
    {
        var verdict = Verdict ?? throw new InvalidOperationException("A canary is kept only once judged.");
        var held = new HeldCanary(pending, _stable.Slot, _stable.Release, settings.Percent, $"it would be {WouldBe(verdict)}: {verdict.Reason}; {Figures(verdict)}");
        new HeldCanaryFile(session).Write(held);
        Kept = held;
        session.Log.Information($"Held, as --canary-hold asked: {held.Describe(session.Layout)}");
    }

    /// <summary>"promoted" or "withdrawn".</summary>
    public static string WouldBe(CanaryVerdict verdict) => verdict.Outcome == CanaryOutcome.Promote ? "promoted" : "withdrawn";

    /// <summary>Both sides' figures in one line, for the log, the error and the report.</summary>
    public static string Figures(CanaryVerdict verdict) => $"stable: {verdict.Stable}; canary: {verdict.Canary}";
}
