using System.Diagnostics;
using Cake.Core.Diagnostics;
using QtsOps.Release.Deployment;
using QtsOps.Release.Environments;
using QtsOps.Release.Verification;
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

    private IDeploymentHost Host => session.Host;

    private ReleaseStore Store => session.Store;

    private ICakeLog Log => session.Log;

    /// <summary>The version a release runs as: this run's for the release it builds, else the one its deploy recorded.</summary>
    private string VersionOf(string release) => release == checkout.VersionTag ? checkout.Version : session.State.History.VersionOf(release) ?? release;

    private const string ComposeFile = "docker-compose.yml";
    private const string PublishFile = "docker-compose.publish.yml";

    /// <summary>
    /// Compose settings for a release: its compose file, and the environment's names, port and shared
    /// folders. In a slot it publishes nothing; alone, its publish file adds the port.
    /// </summary>
    private T Compose<T>(T settings, string release, Slot? slot = null) where T : DockerComposeSettings
    {
        var directory = ComposeDirectory(release);
        settings.ProjectName = slot is { } project ? session.Layout.SlotProject(project) : Target.ComposeProject;
        settings.ProjectDirectory = directory;
        settings.Files = [Path.Combine(directory, ComposeFile), .. slot is null && File.Exists(Path.Combine(directory, PublishFile)) ? [Path.Combine(directory, PublishFile)] : Array.Empty<string>()];
        settings.Variables = new SortedDictionary<string, string>(edge.SharedVariables(), StringComparer.Ordinal)
        {
            ["QTS_OBSERVER_IMAGE"] = Target.ImageOf(release),
            ["QTS_OBSERVER_CONTAINER"] = slot is { } running ? session.Layout.SlotContainer(running) : Target.ContainerName,
            ["QTS_OBSERVER_HEALTH_INTERVAL"] = $"{Target.HealthIntervalSeconds}s",
            ["QTS_OBSERVER_HOST_DATA"] = Host.Resolve(Target.DataDirectory),
            ["QTS_OBSERVER_HOST_LOGS"] = Host.Resolve(Target.LogDirectory),
            ["QTS_OBSERVER_HOST_CONFIG"] = Host.Resolve(Target.ConfigDirectory),
            // Whose the container is (with the environment and deployment labels): verify and the next deploy read these.
            ["QTS_OBSERVER_LABEL_RELEASE"] = release,
            ["QTS_OBSERVER_LABEL_VERSION"] = VersionOf(release),
        };
        return settings;
    }

    /// <summary>
    /// Where compose reads the release's compose files: compose runs here and reads them here, so for a
    /// remote host they are copied from the host's release into this run's private folder. Only the files
    /// are needed: their mounts are the host's absolute folders, and the image is on the host already.
    /// </summary>
    private string ComposeDirectory(string release)
    {
        if (!Engine.IsRemote) return Store.PathOf(release);
        var directory = Path.Combine(Path.GetDirectoryName(Engine.Ssh.Client)!, "releases", release);
        if (File.Exists(Path.Combine(directory, ComposeFile))) return directory;
        var text = Host.Files.ReadAllText(Host.Files.Combine(Store.PathOf(release), ComposeFile))
            ?? throw new PipelineException($"Release {release} on {Host.Name} has no {ComposeFile} ({Store.PathOf(release)}): it is not a complete deploy package. Fix: deploy it again.");
        Directory.CreateDirectory(directory);
        // A release packaged before start-first has no publish file: its compose file publishes the port.
        if (Host.Files.ReadAllText(Host.Files.Combine(Store.PathOf(release), PublishFile)) is { } publish) File.WriteAllText(Path.Combine(directory, PublishFile), publish + "\n");
        File.WriteAllText(Path.Combine(directory, ComposeFile), text + "\n");
        return directory;
    }

    /// <summary>Whether the release can run beside another: its port is in its publish file, not in its compose file (packages made before start-first).</summary>
    private bool RunsInSlots(string release) => File.Exists(Path.Combine(ComposeDirectory(release), PublishFile));

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
    /// <returns>The container that serves the release now.</returns>
    public DockerContainer Start(string release, CancellationToken cancellation, bool recreate = false, bool verifyBeforeTraffic = false)
    {
        slotStops.RunAll(Log);
        // What the start found is the state it acts on; whatever it did, what runs changed, so the next step reads it again.
        var state = session.State;
        try
        {
            if (Target.Strategy == DeployStrategy.StartFirst && RunsInSlots(release)) return StartBeside(release, state, cancellation, recreate, verifyBeforeTraffic);
            if (Target.Strategy == DeployStrategy.StartFirst)
                Log.Warning($"{release} was packaged before start-first (its {ComposeFile} publishes the port): it runs alone, replaced in place as with --strategy=recreate");
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
    private DockerContainer StartBeside(string release, DeploymentState state, CancellationToken cancellation, bool force, bool verifyBeforeTraffic)
    {
        var layout = session.Layout;
        var active = state.Host.ActiveSlot;
        var serving = active is { } activeSlot ? state.Container(layout.SlotContainer(activeSlot)) : null;
        var plan = SlotPlan.For(active, serving is null ? null : new SlotState(serving.State.Running, DeploymentState.OwnerOf(serving).Release), release, force);
        var name = layout.SlotContainer(plan.Start);
        if (!plan.AlreadyServes)
        {
            Log.Information($"Starting {release} in {name} from {Target.ImageOf(release)} (compose project {layout.SlotProject(plan.Start)})" +
                (plan.Drain is { } drained ? $", beside {layout.SlotContainer(drained)}, which serves until {release} is healthy" : ""));
            StartWith(name, release, () => Engine.Call(DockerAliases.DockerComposeUp, Compose(new DockerComposeUpSettings { ForceRecreate = force }, release, plan.Start)));
        }
        DockerContainer container;
        var verifies = !plan.AlreadyServes && verifyBeforeTraffic;
        var healthy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<VerifyReport>? verification = null;
        // Verifying begins once the slot answers: what it reads inside and its settle wait overlap the engine's health check.
        void BeginVerification() => verification ??= Task.Run(() => check.Run(release, "verify-before-traffic", cancellation, beforeTraffic: name, healthy.Task));
        try
        {
            try
            {
                container = WaitHealthy(release, name, publishes: false, cancellation, answering: verifies ? BeginVerification : null);
            }
            catch (Exception failed)
            {
                healthy.SetException(failed);
                throw;
            }
            healthy.SetResult();
            if (verifies)
            {
                BeginVerification();
                if (verification!.GetAwaiter().GetResult() is { Passed: false } report)
                    throw new ReleaseStartException($"{name} from {Target.ImageOf(release)} is healthy but failed verification before taking traffic: {report.FailureSummary}");
            }
        }
        catch (Exception) when (!plan.AlreadyServes)
        {
            // It never took traffic; stopped, it cannot crash-loop beside the release that serves.
            Engine.Call(DockerAliases.DockerStop, new DockerStopSettings { Container = name, TimeoutSeconds = 5 });
            throw;
        }
        if (state.Container(Target.ContainerName) is not null)
        {
            Log.Warning($"Moving {Target.Name} to start-first: removing {Target.ContainerName}, which publishes the port itself, so that the edge can publish it " +
                "(requests fail for the moment it takes, this once; its data is shared and was backed up)");
            Engine.Call(DockerAliases.DockerRemoveContainer, new DockerRemoveContainerSettings { Container = Target.ContainerName });
        }
        edge.SwitchTo(plan.Start, state);
        if (plan.Drain is { } old)
        {
            var drained = layout.SlotContainer(old);
            var served = DeploymentState.OwnerOf(serving!).Release;
            // nginx's old workers are gone, so no request reaches it any more.
            slotStops.Defer(drained, () =>
            {
                Engine.Call(DockerAliases.DockerStop, new DockerStopSettings { Container = drained, TimeoutSeconds = 10 });
                return $"Stopped {drained} ({served}): it stays, stopped, so that a rollback is a switch back";
            });
        }
        return container;
    }

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
                Engine.Call(DockerAliases.DockerComposeDown, Compose(new DockerComposeDownSettings { RemoveOrphans = true }, release));
            }
            Engine.Call(DockerAliases.DockerComposeUp, Compose(new DockerComposeUpSettings { ForceRecreate = recreate }, release));
        });
        return WaitHealthy(release, name, publishes: true, cancellation);
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
                Engine.Call(DockerAliases.DockerComposeDown, Compose(new DockerComposeDownSettings { RemoveOrphans = true }, release));
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

    /// <summary>
    /// Waits until the release answers /health (asked every <see cref="Poll"/>: it is up as soon as it
    /// answers) and the engine's health check agrees (it runs every healthIntervalSeconds, so it follows
    /// within that). Fails at once when the container crashes or the engine calls it unhealthy, and at
    /// healthTimeoutSeconds.
    /// </summary>
    /// <param name="publishes">Whether the container publishes the port (alone); a slot's /health is asked inside it.</param>
    /// <param name="answering">Called once, when /health first answers.</param>
    private DockerContainer WaitHealthy(string release, string name, bool publishes, CancellationToken cancellation, Action? answering = null)
    {
        var timeout = TimeSpan.FromSeconds(Target.HealthTimeoutSeconds);
        var clock = Stopwatch.StartNew();
        TimeSpan? answered = null;
        var inspected = -InspectEvery;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            // docker inspect is a process: until /health answers, the engine's view is read every half second.
            if (answered is not null || clock.Elapsed - inspected >= InspectEvery)
            {
                inspected = clock.Elapsed;
                var container = Engine.Container(name) ?? throw new ReleaseStartException($"compose up reported success but there is no container {name}.");
                var health = container.State.Health?.Status;
                if (health == "healthy" && container.RestartCount == 0)
                {
                    Log.Information($"{name} is healthy after {clock.Elapsed.TotalSeconds:0.0} s" +
                        (answered is { } at ? $" (it answered /health after {at.TotalSeconds:0.0} s)" : ""));
                    return container;
                }
                var crashed = container.RestartCount > 0 || container.State.Restarting || container.State.Status is "exited" or "dead";
                if (crashed || health == "unhealthy" || clock.Elapsed > timeout)
                {
                    var state = crashed ? $"crashed (status {container.State.Status}, exit code {container.State.ExitCode}, {container.RestartCount} restart(s))"
                        : health == "unhealthy" ? "unhealthy" : $"not healthy within {timeout.TotalSeconds:0} s (health: {health ?? "none"})";
                    // A service that runs but calls itself unhealthy says why in /health (a data directory it cannot write): that is the cause to show.
                    var reasons = crashed ? [] : HealthReasons.Of(session.Health.Ask(name, running: true, inside: !publishes).Body);
                    var logs = Engine.Logs(name, tail: 15).NonBlank().TakeLast(8);
                    throw new ReleaseStartException($"{name} from {Target.ImageOf(release)} {state}" +
                        (reasons.Count > 0 ? $": its /health says {string.Join("; ", reasons)}" : "") + $". Last log lines: {string.Join(" | ", logs)}");
                }
            }
            if (answered is null && session.Health.Answers(name, inside: !publishes))
            {
                answered = clock.Elapsed;
                Log.Information($"{name} answers /health after {answered.Value.TotalSeconds:0.0} s; waiting for the engine's health check (every {Target.HealthIntervalSeconds} s)");
                answering?.Invoke();
            }
            cancellation.WaitHandle.WaitOne(Poll);
        }
    }

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan InspectEvery = TimeSpan.FromMilliseconds(500);
}

/// <summary>A release that could not be started, or did not become healthy.</summary>
public sealed class ReleaseStartException(string message) : Exception(message);
