using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Fleet;
using QtsOps.Core.Notifications;
using QtsOps.Core.Reports;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>What this run deploys, and how: its checkout's release from its package.</summary>
/// <param name="ForceDeploy">--force-deploy: deploy, and recreate the container, even when the release already runs.</param>
/// <param name="TakeOver">--take-over: deploy over another deployment's container (its data backed up first).</param>
/// <param name="Canary">The canary's window the release goes through before it takes every request (strategy canary), or null.</param>
public sealed record DeployRequest(Checkout Checkout, string PackageDirectory, bool ForceDeploy, bool TakeOver, CanaryRelease? Canary = null);

/// <summary>
/// The deploy steps: engine reachable, lock, read the environment (<see cref="DeploySession.State"/>),
/// pre-deploy checks, data backup, install the package as releases/&lt;version&gt;, compose up, wait for
/// healthy, record the outcome; a release that does not become healthy is replaced by the last verified one.
/// </summary>
public sealed class Deployer(DeploySession session, DeployRequest request, ReleaseStarter starter, ReleaseRollback rollback, HostImage hostImage) : IReleaseDeployer
{
    private readonly PreDeployCheck _check = new(session);
    private readonly DataBackups _backups = new(session);

    private DockerEngine Engine => session.Engine;
    private DeploymentEnvironment Target => session.Target;
    private ReleaseStore Store => session.Store;
    private ICakeLog Log => session.Log;
    private Checkout Checkout => request.Checkout;

    /// <summary>The image this run built, as compose runs it.</summary>
    private string ImageReference => Target.ImageOf(Checkout.VersionTag);

    /// <summary>The deploy lock the skip check took for the deploy that follows it, so that the deploy acts on the check's read.</summary>
    private IDisposable? _heldSinceCheck;

    private string LockPurpose => $"deploy {Checkout.VersionTag}";

    /// <summary>
    /// Why a deploy has nothing to do, or null; <see cref="DeploySkip"/> judges the state and, last, the image on the engine.
    /// The state is read under the deploy lock, which the deploy then keeps (<see cref="Run"/> reads nothing again); when the lock
    /// cannot be taken now (another run holds it), the check reads without it, and a deploy fails to take it as before.
    /// </summary>
    public string? AlreadyRunning()
    {
        session.Protection.Require(Target.Name, ProtectedChange.Deploy);
        Engine.EnsureReachable();
        _heldSinceCheck = TryLock();
        try
        {
            var reason = SkipReason(session.State);
            if (reason is not null)
            {
                Log.Information($"The deploy's check {session.Cost}");
                ReleaseCheckLock();
            }
            return reason;
        }
        catch (Exception)
        {
            ReleaseCheckLock();
            throw;
        }
    }

    private string? SkipReason(DeploymentState state)
    {
        var release = Checkout.VersionTag;
        return DeploySkip.Reason(new DeploySkipEvidence(release, state.Current, state.ServingName,
            () => state.Serving is { } container
                ? new ContainerFound(container.Id, container.State.Running, container.State.Health?.Status, container.RestartCount, state.IsOurs(container), container.Image)
                : null,
            containerId => state.History.SuccessfulStartIn(release, containerId),
            () => Engine.Image(ImageReference)?.Id, DeploymentSettings.Of(Target)));
    }

    /// <summary>The deploy lock, or null when it cannot be taken now: whatever stopped it stops the deploy's own try with its error.</summary>
    private IDisposable? TryLock()
    {
        try
        {
            return session.Locks.Acquire(LockPurpose);
        }
        catch (PipelineException)
        {
            return null;
        }
    }

    private void ReleaseCheckLock()
    {
        _heldSinceCheck?.Dispose();
        _heldSinceCheck = null;
    }

    public HeldCanary? HeldCanary => request.Canary?.Kept;

    public void Run()
    {
        session.Protection.Require(Target.Name, ProtectedChange.Deploy);
        var info = Engine.EnsureReachable();
        var release = Checkout.VersionTag;

        var heldSinceCheck = _heldSinceCheck;
        _heldSinceCheck = null;
        using var held = heldSinceCheck ?? session.Locks.Acquire(LockPurpose);
        using var interruption = Interruption.Watch(Log, $"the deploy of {release}");
        // Read under the lock: a check that read without it (or none) may have read before another run changed the environment.
        if (heldSinceCheck is null) session.Changed();
        var state = session.State;
        var foreign = ForeignContainers(state);
        _check.Require(info, state);
        new HeldCanaryFile(session).RefuseWhileHeld(state.Host, $"deploy {release}");
        var image = hostImage.ComesFromElsewhere ? hostImage.Deliver() : Engine.Image(ImageReference)
            ?? throw new PipelineException($"The image {ImageReference} is not on the engine. Fix: ./build.sh --target=image (deploy depends on it).");

        var started = DateTimeOffset.UtcNow;
        var entry = new HistoryEntry
        {
            Action = HistoryAction.Deploy, Result = HistoryResult.Succeeded, Version = Checkout.Version, Release = release,
            Image = ImageReference, ImageId = image.Id, Digest = image.RepoDigests.FirstOrDefault(), StartedAt = started, FinishedAt = started,
            Settings = DeploymentSettings.Of(Target),
        };
        Install(entry, foreign, state, interruption);
        // What a failed deploy leaves serving, or puts back: exactly this, never an older release.
        var container = Start(entry, state.ServedRelease, interruption);
        // The container that serves now is the one the release started in: what the run changed is not read again for the report.
        Report(release, image, state.Current, container.Name.TrimStart('/'));
        // A held canary's stable release serves beside it until promote or abort, which puts it back as current.
        string?[] alsoKeep = [state.History.LastVerified(except: release)?.Release, request.Canary is { IsHeld: true } ? state.ServedRelease : null];
        var removed = Store.PruneAfterInstall(release, state.Host.Installed, Target.ReleasesToKeep, alsoKeep.OfType<string>());
        if (removed.Count > 0) Log.Information($"Removed old releases: {string.Join(", ", removed)}");
        if (interruption.IsRequested)
            throw new PipelineException($"{interruption.Signal} came as the deploy of {release} finished: it is recorded, and the run stops here.");
    }

    /// <summary>Takes over <paramref name="foreign"/> containers, backs up the data, installs the release and makes it current (over <paramref name="state"/>'s current); an interruption stops it before the switch.</summary>
    private void Install(HistoryEntry entry, IReadOnlyList<DockerContainer> foreign, DeploymentState state, Interruption interruption)
    {
        var (release, previous) = (entry.Release, state.Current);
        try
        {
            if (foreign.Count > 0) _backups.TakeOver(foreign, release);
            // The shared folders as the state read under the lock found them (no round trip of their own); neither a take-over nor the backup or the install makes them.
            var missing = state.Host.MissingFolders ?? [];
            _backups.BeforeDeploy(release, dataExists: !missing.Contains(session.Shared.Data));
            interruption.Token.ThrowIfCancellationRequested();
            Store.Install(request.PackageDirectory, release);
            PrepareSharedDirectories(release, missing);
            interruption.Token.ThrowIfCancellationRequested();
        }
        catch (Exception) when (interruption.IsRequested)
        {
            throw new PipelineException($"{RecordInterruption(entry, interruption, "before the switch to it")}. What runs was not changed ({previous ?? "nothing"}).");
        }
        // releases/ and current changed, which the start does not read: the state stands until the start changes what runs.
        Store.Activate(release);
        Log.Information($"Installed {release} in {Store.PathOf(release)}" + (previous is null ? "" : $" (previous: {previous})"));
    }

    /// <summary>Starts the release and records it; when it fails, records that and leaves <paramref name="servedBefore"/> serving, or puts it back.</summary>
    private DockerContainer Start(HistoryEntry entry, string? servedBefore, Interruption interruption)
    {
        var release = entry.Release;
        try
        {
            // start-first: the release is verified on its own before it takes traffic (the verify target checks it again as it serves).
            var container = starter.Start(release, interruption.Token, recreate: request.ForceDeploy, verifyBeforeTraffic: true, canary: request.Canary);
            if (request.Canary is { IsHeld: true } held)
            {
                // Recorded when the canary is ended (--target=promote or abort), as succeeded or failed.
                held.Keep(entry with { ContainerId = container.Id, FinishedAt = DateTimeOffset.UtcNow });
                return container;
            }
            session.Record(entry with { ContainerId = container.Id, FinishedAt = DateTimeOffset.UtcNow });
            session.Reporting.Notify(NotificationEvent.DeploySucceeded, $"{Checkout.Version} runs healthy on {Target.Name} ({ImageReference}, {entry.ImageId![7..19]})");
            return container;
        }
        catch (Exception) when (interruption.IsRequested)
        {
            // Where children share the terminal's process group (no setsid: macOS), Ctrl-C also reaches docker and compose, so their failures are the interruption too.
            var interrupted = RecordInterruption(entry, interruption, "while it started");
            // The undo runs to its end; a second signal ends the process at once.
            throw new PipelineException($"{interrupted}. Now: {rollback.AfterFailedDeploy(release, servedBefore, CancellationToken.None)}.");
        }
        catch (Exception exception)
        {
            // Whatever failed (compose could not create or start the container, or it never became healthy), the release is not serving.
            Log.Error($"Deploy of {release} failed: {exception.Message}");
            // Recorded first, as it happened first; a write that fails (a full disk) is reported and never keeps the failed release running.
            var unrecorded = session.Record(entry with { Result = HistoryResult.Failed, FinishedAt = DateTimeOffset.UtcNow, Detail = exception.Message });
            session.Reporting.Notify(NotificationEvent.DeployFailed, exception.Message);
            var now = rollback.AfterFailedDeploy(release, servedBefore, interruption.Token);
            throw new PipelineException($"Deploy of {release} to {Target.Name} failed: {exception.Message} Now: {now}." + (unrecorded is null ? "" : $" Also, {unrecorded}"));
        }
    }

    /// <summary>The deploy's report (artifacts/reports/deploy.json and .md) and log line, with what it cost the engine and the host.</summary>
    private void Report(string release, DockerImage image, string? previous, string serving)
    {
        Log.Information($"The deploy {session.Cost}");
        var canary = request.Canary?.Verdict;
        var held = request.Canary is { IsHeld: true };
        session.Reporting.Write("deploy", held ? "canary-held" : "deployed",
            new { environment = Target.Name, Checkout.Version, release, image = ImageReference, imageId = image.Id, previous, engine = Engine.Describe(), cost = session.CostReport(), canary },
            $"# deploy: {Target.Name}\n\n`{release}` {(held ? $"is held as a canary, beside `{previous}`, in" : "runs healthy in")} `{serving}` ({DeployStrategies.Name(Target.Strategy)}) from `{ImageReference}` ({image.Id[7..19]}) on {Engine.Describe()}; previous release: {(previous is null ? "none" : $"`{previous}`")}.\n\n" +
            (canary is null ? "" : held
                ? $"Canary held (--canary-hold): it would be {CanaryRelease.WouldBe(canary)}, as {canary.Reason} ({CanaryRelease.Figures(canary)}). End it with --target=promote or --target=abort.\n\n"
                : $"Canary promoted: {canary.Reason} ({CanaryRelease.Figures(canary)}).\n\n") + $"{session.Cost}.\n", []);
    }

    /// <summary>Records the deploy as interrupted and notifies; returns the first part of the error.</summary>
    private string RecordInterruption(HistoryEntry entry, Interruption interruption, string when)
    {
        var detail = $"interrupted by {interruption.Signal} {when}";
        session.Record(entry with { Result = HistoryResult.Interrupted, FinishedAt = DateTimeOffset.UtcNow, Detail = detail });
        session.Reporting.Notify(NotificationEvent.DeployFailed, detail);
        return $"Deploy of {entry.Release} to {Target.Name} {detail}";
    }

    /// <summary>
    /// The containers under the environment's names (single, edge, slots) that another deployment (another
    /// checkout, or none) started. Deploying over them needs --take-over; without, nothing is changed.
    /// </summary>
    private IReadOnlyList<DockerContainer> ForeignContainers(DeploymentState state)
    {
        if (_check.ForeignRefusal(state) is not { } refusal) return [];
        if (!request.TakeOver) throw new PipelineException(refusal);
        foreach (var container in state.Foreign)
            Log.Warning($"Taking over {container.Name.TrimStart('/')} from {DeploymentState.OwnerOf(container).Describe()} (--take-over)");
        return state.Foreign;
    }

    /// <summary>Creates the shared data, log and config folders (those <paramref name="missing"/>) on first deploy; the service (uid 10001) must own data and logs.</summary>
    private void PrepareSharedDirectories(string release, IReadOnlyList<string> missing)
    {
        var files = session.Host.Files;
        var shared = session.Shared;
        var created = shared.ForService.Where(missing.Contains).ToList();
        foreach (var directory in created) files.CreateDirectory(directory);
        if (missing.Contains(shared.Config))
        {
            // The installed release is a copy of the package: whether it ships a config folder is seen here, without a round trip.
            if (Directory.Exists(Path.Combine(request.PackageDirectory, SharedFolders.ShippedConfig)))
                files.CopyDirectory(files.Combine(Store.PathOf(release), SharedFolders.ShippedConfig), shared.Config);
            else files.CreateDirectory(shared.Config);
        }
        if (created.Count > 0) starter.GiveToService(release, shared.Data, shared.Logs);
    }
}
