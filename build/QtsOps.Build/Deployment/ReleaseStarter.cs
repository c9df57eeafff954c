using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Fleet;
using QtsOps.Core.Verification;
using QtsOps.Tools;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>
/// Runs one installed release with compose and waits until Docker calls it healthy. Shared by deploy,
/// rollback, verify's restart and restore. With start-first the release starts in the slot beside the
/// one that serves and takes the traffic from the edge once healthy (<see cref="Edge"/>); with
/// recreate it replaces the environment's single container, which publishes the port itself.
/// </summary>
/// <param name="checkout">This run's version: the release it builds runs as it.</param>
/// <param name="slotStops">The run's deferred stops of slots that served before a switch; every start and stop runs them first.</param>
/// <param name="check">Verifies a start-first slot before it takes traffic.</param>
public sealed class ReleaseStarter(DeploySession session, Checkout checkout, Edge edge, SlotStops slotStops, RunningReleaseCheck check)
{
    private DockerEngine Engine => session.Engine;

    private DeploymentEnvironment Target => session.Target;

    private ICakeLog Log => session.Log;

    private readonly ReleaseCompose _compose = new(session, checkout, edge);

    private readonly HealthWait _health = new(session);

    /// <summary>
    /// Runs the release by the environment's strategy and waits until it is healthy. Any failure, a
    /// container that cannot even be created or started included, is a <see cref="ReleaseStartException"/>
    /// with the engine's or the container's last words; a cancelled <paramref name="cancellation"/> stops the wait.
    /// </summary>
    /// <param name="recreate">Starts the release again even when it already runs (--force-deploy).</param>
    /// <param name="verifyBeforeTraffic">
    /// start-first: verifies the slot before the edge switches to it (report verify-before-traffic); a failed report stops it there. It begins as soon as the
    /// slot answers /health, beside the wait for the engine's health check, and judges once the engine calls it healthy.
    /// </param>
    /// <param name="canary">Behind the edge, beside a release that serves: the new one takes a share of requests first, and is promoted or withdrawn on them.</param>
    /// <returns>The container that serves the release now.</returns>
    public DockerContainer Start(string release, CancellationToken cancellation, bool recreate = false, bool verifyBeforeTraffic = false, CanaryRelease? canary = null)
    {
        slotStops.RunAll(Log);
        // What the start found is the state it acts on; whatever it did, what runs changed, so the next step reads it again.
        var state = session.State;
        try
        {
            if (Target.Strategy.UsesEdge() && _compose.RunsInSlots(release)) return StartBeside(release, state, cancellation, new(recreate, verifyBeforeTraffic, canary));
            if (Target.Strategy.UsesEdge())
                Log.Warning($"{release} was packaged before start-first (its {ReleaseCompose.ComposeFile} publishes the port): it runs alone, replaced in place as with --strategy=recreate");
            return Replace(release, state, cancellation, recreate);
        }
        finally
        {
            session.Changed();
        }
    }

    /// <summary>
    /// start-first: the release starts in the slot beside the one that serves (<see cref="SlotPlan"/>),
    /// and only once it is healthy does the edge switch to it; then the slot that served is stopped (and
    /// kept, for a rollback; the stop is deferred past what follows, <see cref="SlotStops"/>). A release that fails never takes traffic: its slot is stopped. The first
    /// such deploy of an environment that runs one container removes it just before the edge takes the port.
    /// </summary>
    private DockerContainer StartBeside(string release, DeploymentState state, CancellationToken cancellation, SlotStart how)
    {
        var (force, verifyBeforeTraffic, canary) = how;
        var layout = session.Layout;
        var active = state.Host.ActiveSlot;
        var serving = active is { } activeSlot ? state.Container(layout.SlotContainer(activeSlot)) : null;
        var plan = SlotPlan.For(active, serving is null ? null : new SlotState(serving.State.Running, DeploymentState.OwnerOf(serving).Release), release, force);
        var name = layout.SlotContainer(plan.Start);
        if (!plan.AlreadyServes)
        {
            Log.Information($"Starting {release} in {name} from {Target.ImageOf(release)} (compose project {layout.SlotProject(plan.Start)})" +
                (plan.Drain is { } drained ? $", beside {layout.SlotContainer(drained)}, which serves until {release} is healthy" : ""));
            StartWith(name, release, () => Engine.Call(DockerAliases.DockerComposeUp, _compose.Settings(new DockerComposeUpSettings { ForceRecreate = force }, release, plan.Start)));
        }
        var container = HealthyInSlot(release, name, plan, cancellation, checkBeforeTraffic: !plan.AlreadyServes && verifyBeforeTraffic);
        if (state.Container(Target.ContainerName) is not null)
        {
            Log.Warning($"Moving {Target.Name} to start-first: removing {Target.ContainerName}, which publishes the port itself, so that the edge can publish it " +
                "(requests fail for the moment it takes, this once; its data is shared and was backed up)");
            Engine.Call(DockerAliases.DockerRemoveContainer, new DockerRemoveContainerSettings { Container = Target.ContainerName });
        }
        if (canary is not null)
        {
            if (plan.Drain is { } stable)
            {
                // Held (--canary-hold): the split stays until --target=promote or --target=abort.
                if (Trial(canary, name, stable, state, cancellation)) return container;
            }
            else if (!plan.AlreadyServes) Log.Information($"No release serves {Target.Name} yet: {release} takes all requests at once, as with start-first (a canary needs a stable release to compare with)");
        }
        edge.SwitchTo(plan.Start, state);
        if (plan.Drain is { } old) DeferStop(layout.SlotContainer(old), DeploymentState.OwnerOf(serving!).Release);
        return container;
    }

    /// <summary>
    /// The canary's window; returns when it is to be promoted (false) or held (true, whatever the verdict). Withdrawn, or failed at any step,
    /// the stable slot takes all requests again and the canary's slot is stopped.
    /// </summary>
    private bool Trial(CanaryRelease canary, string name, Slot stable, DeploymentState state, CancellationToken cancellation)
    {
        CanaryVerdict verdict;
        try
        {
            verdict = canary.Judge(stable, state, cancellation);
        }
        catch (Exception)
        {
            Withdraw(name, stable, state);
            throw;
        }
        if (canary.IsHeld) return true;
        if (verdict.Outcome == CanaryOutcome.Promote) return false;
        Withdraw(name, stable, state);
        throw new ReleaseStartException($"The canary in {name} was withdrawn: {verdict.Reason} ({CanaryRelease.Figures(verdict)}).");
    }

    /// <summary>Sends every request to <paramref name="stable"/> again, then stops the canary's slot; when the edge cannot be switched back, the canary is left running, so that its share is still answered.</summary>
    private void Withdraw(string name, Slot stable, DeploymentState state)
    {
        try
        {
            edge.SwitchTo(stable, state);
        }
        catch (Exception exception)
        {
            Log.Error($"The edge could not be switched back to {session.Layout.SlotContainer(stable)} alone: {exception.Message} {name} keeps running, as it still takes a share of requests. Fix: deploy again.");
            return;
        }
        Engine.Call(DockerAliases.DockerStop, new DockerStopSettings { Container = name, TimeoutSeconds = 10 });
        Log.Information($"Withdrew the canary: {session.Layout.SlotContainer(stable)} takes every request again, and {name} is stopped");
    }

    /// <summary>Waits until the slot's release is healthy (and passes its check before traffic, when asked); a slot that fails never took traffic, and is stopped.</summary>
    private DockerContainer HealthyInSlot(string release, string name, SlotPlan plan, CancellationToken cancellation, bool checkBeforeTraffic)
    {
        try
        {
            return checkBeforeTraffic ? HealthyAndChecked(release, name, cancellation) : _health.WaitHealthy(release, name, publishes: false, cancellation);
        }
        catch (Exception) when (!plan.AlreadyServes)
        {
            // It never took traffic; stopped, it cannot crash-loop beside the release that serves.
            Engine.Call(DockerAliases.DockerStop, new DockerStopSettings { Container = name, TimeoutSeconds = 5 });
            throw;
        }
    }

    /// <summary>
    /// Waits until the slot is healthy and checks it before traffic (report verify-before-traffic): the check begins with the slot, beside the
    /// wait for /health and the engine's health check (what it reads inside and its CPU sample need the container running, not answering),
    /// and judges once it is healthy and the settle window has passed.
    /// </summary>
    private DockerContainer HealthyAndChecked(string release, string name, CancellationToken cancellation)
    {
        var healthy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var verification = Task.Run(() => check.Run(release, "verify-before-traffic", cancellation, beforeTraffic: name, healthy.Task).Report);
        DockerContainer container;
        try
        {
            container = _health.WaitHealthy(release, name, publishes: false, cancellation);
        }
        catch (Exception failed)
        {
            healthy.SetException(failed);
            throw;
        }
        healthy.SetResult();
        if (verification.GetAwaiter().GetResult() is { Passed: false } report)
            throw new ReleaseStartException($"{name} from {Target.ImageOf(release)} is healthy but failed verification before taking traffic: {report.FailureSummary}");
        return container;
    }

    /// <summary>The stop of the slot that served <paramref name="served"/>, deferred (<see cref="SlotStops"/>): nginx's old workers are gone, so no request reaches it any more.</summary>
    private void DeferStop(string drained, string? served) =>
        slotStops.Defer(drained, () =>
        {
            Engine.Call(DockerAliases.DockerStop, new DockerStopSettings { Container = drained, TimeoutSeconds = 10 });
            return $"Stopped {drained} ({served}): it stays, stopped, so that a rollback is a switch back";
        });

    /// <summary>recreate: replaces whatever the compose project runs with the release (the old one stops first), then waits for healthy.</summary>
    private DockerContainer Replace(string release, DeploymentState state, CancellationToken cancellation, bool recreate)
    {
        var name = Target.ContainerName;
        var project = Target.ComposeProject;
        if (edge.Remove(state) is { Count: > 0 } removed)
            Log.Warning($"Moving {Target.Name} to one container (recreate): removed the edge and the slots ({string.Join(", ", removed)}); {name} publishes the port itself");
        Log.Information($"Starting {name} from {Target.ImageOf(release)} (compose project {project})");
        StartWith(name, release, () =>
        {
            // A failed compose v1 recreate leaves the old container renamed <id>_<name> and the new one not running:
            // they hold the name and would wedge every later up, so the project is taken down first. A running
            // container of that name is left to up, which replaces it only when the release differs.
            var leftovers = Engine.Call(DockerAliases.DockerPs, new DockerPsSettings { All = true, Filters = [$"label=com.docker.compose.project={project}"] })
                .Where(container => container.State != "running" || container.Names != name).Select(container => container.Names).ToList();
            if (leftovers.Count > 0)
            {
                Log.Information($"Removing what earlier runs left in the project: {string.Join(", ", leftovers)}");
                Engine.Call(DockerAliases.DockerComposeDown, _compose.Settings(new DockerComposeDownSettings { RemoveOrphans = true }, release));
            }
            Engine.Call(DockerAliases.DockerComposeUp, _compose.Settings(new DockerComposeUpSettings { ForceRecreate = recreate }, release));
        });
        return _health.WaitHealthy(release, name, publishes: true, cancellation);
    }

    /// <summary>Runs compose commands that start the container <paramref name="name"/>, turning their failures into the user's words.</summary>
    private void StartWith(string name, string release, Action compose)
    {
        try
        {
            compose();
        }
        catch (DockerCommandException exception) when (exception.Result.Error.Any(line => line.Contains("Install paramiko package", StringComparison.Ordinal)))
        {
            throw new PipelineException($"docker-compose (v1) cannot reach the ssh:// engine {Engine.Describe()}: it needs Python's paramiko module, even to use the ssh client. " +
                "Fix: apt-get install python3-paramiko (build/setup.sh does), or install the Compose v2 plugin.");
        }
        catch (DockerCommandException exception)
        {
            var said = exception.Result.Error.NonBlank().TakeLast(3).ToList();
            throw new ReleaseStartException($"{name} from {Target.ImageOf(release)} could not be started: {(said.Count > 0 ? string.Join(" | ", said) : exception.Message)}");
        }
    }

    /// <summary>
    /// Gives host folders (data, logs) to the service's user (uid 10001), recursively. The engine is
    /// root: a throwaway container of the release's image does it, with or without our own root; the image
    /// has Python, not chown.
    /// </summary>
    public void GiveToService(string release, params string[] directories) =>
        Engine.Call(DockerAliases.DockerRun, new DockerRunSettings
        {
            Image = Target.ImageOf(release), User = "0:0", Entrypoint = "python3",
            Volumes = [.. directories.Select((directory, index) => $"{directory}:/qtsops/{index}")],
            Command = ["-c", ContainerScripts.GiveToService, .. directories.Select((_, index) => $"/qtsops/{index}")],
        });

    /// <summary>
    /// Stops the release: behind an edge, the slots that run it (kept, stopped; the edge answers 502 until
    /// a release runs again); alone, its container is removed. Data, logs and config stay.
    /// </summary>
    public void Stop(string release)
    {
        slotStops.RunAll(Log);
        var state = session.State;
        try
        {
            if (state.Host.ActiveSlot is null)
                Engine.Call(DockerAliases.DockerComposeDown, _compose.Settings(new DockerComposeDownSettings { RemoveOrphans = true }, release));
            else
                foreach (var name in new[] { Slot.A, Slot.B }.Select(session.Layout.SlotContainer))
                    if (state.Container(name) is { State.Running: true } running && DeploymentState.OwnerOf(running).Release == release)
                        Engine.Call(DockerAliases.DockerStop, new DockerStopSettings { Container = name });
        }
        finally
        {
            session.Changed();
        }
    }
}

/// <summary>How a start-first start goes: recreated (--force-deploy), checked before traffic, through a canary's window.</summary>
internal sealed record SlotStart(bool Force, bool VerifyBeforeTraffic, CanaryRelease? Canary);

/// <summary>A release that could not be started, or did not become healthy.</summary>
public sealed class ReleaseStartException(string message) : Exception(message);
