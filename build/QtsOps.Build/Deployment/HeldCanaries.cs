using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Fleet;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>
/// The canary deploy --canary-hold left running, as the host keeps it (&lt;edge folder&gt;/held-canary/canary.json, <see cref="HeldCanary"/>):
/// what status shows, what refuses another deploy, what --target=promote and --target=abort end.
/// </summary>
public sealed class HeldCanaryFile(DeploySession session)
{
    private string Folder => session.Host.Files.Combine(session.EdgeFolder, HeldCanary.Folder);

    private string Path => session.Host.Files.Combine(Folder, HeldCanary.File);

    /// <summary>The held canary, or null when none is held, as the host has it now.</summary>
    public HeldCanary? Read() => Parse(session.Host.Files.ReadAllText(Path));

    /// <summary>The held canary, or null when none is held, as <paramref name="host"/> was read (with the rest of the host's state, not again).</summary>
    public HeldCanary? Of(HostState host) => Parse(host.HeldCanary);

    private HeldCanary? Parse(string? json)
    {
        try
        {
            return json is null ? null : HeldCanary.Parse(json, Path);
        }
        catch (FormatException bad)
        {
            throw new PipelineException(bad.Message);
        }
    }

    /// <summary>Writes the file whole beside its place, then renames it into place: a run stopped at any step leaves it whole or absent.</summary>
    public void Write(HeldCanary canary)
    {
        var files = session.Host.Files;
        var local = Directory.CreateTempSubdirectory("qtsops-canary-");
        try
        {
            File.WriteAllText(System.IO.Path.Combine(local.FullName, HeldCanary.File), canary.ToJson());
            files.PutDirectory(local.FullName, Folder, files.Combine(session.EdgeFolder, "." + HeldCanary.Folder + ".partial"));
        }
        finally
        {
            local.Delete(recursive: true);
        }
    }

    public void Clear() => session.Host.Files.DeleteDirectory(Folder);

    /// <summary>
    /// Why <paramref name="change"/> must wait while a canary is held, as <paramref name="host"/> was read; null when none is. A deploy,
    /// rollback, restore or down would switch or stop what the canary's edge splits between, and leave its deploy never recorded.
    /// </summary>
    public string? Refusal(HostState host, string change) =>
        Of(host) is { } held
            ? $"Cannot {change} on {session.Target.Name} ({session.Engine.Describe()}) while {held.Describe(session.Layout)} first, then {change} again."
            : null;

    /// <summary>Refuses <paramref name="change"/> while a canary is held (<see cref="Refusal"/>).</summary>
    public void RefuseWhileHeld(HostState host, string change)
    {
        if (Refusal(host, change) is { } refusal) throw new PipelineException(refusal);
    }
}

/// <summary>--target=promote and --target=abort: on one host (<see cref="HeldCanaryEnd"/>) or on each of several (<see cref="Fleet.FleetCanaryEnd"/>), picked by Wiring.</summary>
public interface ICanaryEnd
{
    void Promote();

    void Abort();
}

/// <summary>
/// --target=promote and --target=abort: the end of a held canary, from any machine that reaches the host. Promote sends every request
/// to it and stops the slot that served (kept for a rollback), recording the deploy as succeeded; abort sends every request back to the
/// stable release, stops the canary's slot and makes the stable release current again, recording the deploy as failed.
/// </summary>
public sealed class HeldCanaryEnd(DeploySession session, Edge edge) : ICanaryEnd
{
    private readonly HeldCanaryFile _file = new(session);

    /// <summary>The canary held on the host now, or null when none is: a run on several hosts ends it only where one is.</summary>
    public HeldCanary? Held() => _file.Read();

    private ICakeLog Log => session.Log;

    public void Promote() => End("promote", (canary, state) =>
    {
        edge.SwitchTo(canary.Canary, state);
        Stop(canary.Stable);
        return canary.Pending with { Result = HistoryResult.Succeeded, FinishedAt = DateTimeOffset.UtcNow, Detail = $"canary promoted with --target=promote; its window: {canary.Verdict}" };
    }, canary => $"Promoted the canary: {canary.Pending.Release} in {session.Layout.SlotContainer(canary.Canary)} takes every request; {session.Layout.SlotContainer(canary.Stable)} is stopped");

    public void Abort() => End("abort", (canary, state) =>
    {
        edge.SwitchTo(canary.Stable, state);
        Stop(canary.Canary);
        if (canary.StableRelease is { } stable) session.Store.Activate(stable);
        return canary.Pending with { Result = HistoryResult.Failed, FinishedAt = DateTimeOffset.UtcNow, Detail = $"canary aborted with --target=abort; its window: {canary.Verdict}" };
    }, canary => $"Aborted the canary: {canary.StableRelease} in {session.Layout.SlotContainer(canary.Stable)} takes every request again; {canary.Pending.Release} in {session.Layout.SlotContainer(canary.Canary)} is stopped");

    /// <summary>Under the deploy lock: reads the held canary (none is an error), switches the edge, records the deploy's outcome and forgets the canary.</summary>
    private void End(string action, Func<HeldCanary, DeploymentState, HistoryEntry> end, Func<HeldCanary, string> done)
    {
        session.Protection.Require(session.Target.Name, ProtectedChange.Deploy);
        session.Engine.EnsureReachable();
        using var locked = session.Locks.Acquire($"{action} the held canary");
        var canary = _file.Read() ?? throw new PipelineException(
            $"No canary is held on {session.Target.Name} ({session.Engine.Describe()}): there is nothing to {action}. A canary is held by ./build.sh --target=deploy --strategy=canary --canary-hold.");
        HistoryEntry entry;
        try
        {
            entry = end(canary, session.State);
        }
        finally
        {
            session.Changed();
        }
        session.Record(entry);
        _file.Clear();
        Log.Information(done(canary));
    }

    private void Stop(Slot slot) =>
        session.Engine.Call(DockerAliases.DockerStop, new DockerStopSettings { Container = session.Layout.SlotContainer(slot), TimeoutSeconds = 10 });
}
