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
public sealed class ReleaseRunner(DockerEngine engine, DeploymentEnvironment target, Checkout checkout, HealthEndpoint healthEndpoint, Edge edge, SlotStops slotStops,
    RunReporting reporting)
{
    private IDeploymentHost Host => engine.Host;

    private ICakeLog Log => reporting.Log;

    public ReleaseStore Store => new(Host.Resolve(target.DeployDirectory), Host.Files);

    public ReleaseHistory History => new(Host.Files.Combine(Host.Files.Combine(Host.StateDirectory, "history"), $"{target.Name}.jsonl"), reporting.WarnOnce, Host.Files);

    /// <summary>Appends to the history; a write that fails (a full disk) is logged as an error and returned, never thrown: what follows (a rollback) must still run.</summary>
    /// <returns>Null when the entry was written, else what went wrong and what to do.</returns>
    public string? Record(HistoryEntry entry)
    {
        var problem = History.TryAppend(entry);
        if (problem is not null) Log.Error($"History: {problem}");
        return problem;
    }

    /// <summary>The container that serves the environment: the active slot's behind the edge, else the single container.</summary>
    public string ServingContainer() => edge.ServingContainer();

    public SlotLayout Layout => edge.Layout;

    /// <summary>The release the serving container runs, when it is running and this deployment's; else null.</summary>
    public string? ServedRelease() => engine.Container(ServingContainer()) is { State.Running: true } container && IsOurs(container) ? OwnerOf(container).Release : null;

    /// <summary>Who started <paramref name="container"/>; see <see cref="DeploymentOwner"/>.</summary>
    public static DeploymentOwner OwnerOf(DockerContainer container) => DeploymentOwner.FromLabels(container.Config.Labels);

    /// <summary>Whether this deployment (its deploy directory, for this environment) started <paramref name="container"/>.</summary>
    public bool IsOurs(DockerContainer container) => OwnerOf(container).IsOf(Store.DeployDirectory, target.Name);

    /// <summary>Every container under the environment's names (<see cref="SlotLayout.Containers"/>), in one engine call.</summary>
    public IReadOnlyList<DockerContainer> Containers() =>
        engine.Call(DockerAliases.DockerInspectContainers, new DockerInspectContainersSettings { Containers = Layout.Containers });

    /// <summary>The containers of <paramref name="containers"/> another deployment (or another environment) started (<see cref="DeploymentClaim"/>).</summary>
    public IReadOnlyList<DockerContainer> Foreign(IReadOnlyList<DockerContainer> containers) => [.. containers.Where(c => !IsOurs(c))];

    /// <summary>Why this run may not act on the environment: a container under its names is another deployment's; null when all are ours.</summary>
    /// <param name="nothingDone">What was not done, for the message.</param>
    /// <param name="fix">How to go on, for the message.</param>
    public string? ClaimRefusal(IReadOnlyList<DockerContainer> containers, string nothingDone, string fix) =>
        DeploymentClaim.Refusal(containers.Select(Claimed), Store.DeployDirectory, target.Name, nothingDone, fix);

    /// <summary>The container by the name it has under the environment's names, and whose it is.</summary>
    public static ClaimedContainer Claimed(DockerContainer container) => new(container.Name.TrimStart('/'), OwnerOf(container));

    /// <summary>The version a release runs as: this run's for the release it builds, else the one its deploy recorded.</summary>
    private string VersionOf(string release) => release == checkout.VersionTag ? checkout.Version : History.VersionOf(release) ?? release;

    private const string ComposeFile = "docker-compose.yml";
    private const string PublishFile = "docker-compose.publish.yml";

    /// <summary>
    /// Compose settings for a release: its compose file, and the environment's names, port and shared
    /// folders. In a slot it publishes nothing; alone, its publish file adds the port.
    /// </summary>
    private T Compose<T>(T settings, string release, Slot? slot = null) where T : DockerComposeSettings
    {
        var directory = ComposeDirectory(release);
        settings.ProjectName = slot is { } project ? edge.Layout.SlotProject(project) : target.ComposeProject;
        settings.ProjectDirectory = directory;
        settings.Files = [Path.Combine(directory, ComposeFile), .. slot is null && File.Exists(Path.Combine(directory, PublishFile)) ? [Path.Combine(directory, PublishFile)] : Array.Empty<string>()];
        settings.Variables = new SortedDictionary<string, string>(edge.SharedVariables(), StringComparer.Ordinal)
        {
            ["QTS_OBSERVER_IMAGE"] = target.ImageOf(release),
            ["QTS_OBSERVER_CONTAINER"] = slot is { } running ? edge.Layout.SlotContainer(running) : target.ContainerName,
            ["QTS_OBSERVER_HEALTH_INTERVAL"] = $"{target.HealthIntervalSeconds}s",
            ["QTS_OBSERVER_HOST_DATA"] = Host.Resolve(target.DataDirectory),
            ["QTS_OBSERVER_HOST_LOGS"] = Host.Resolve(target.LogDirectory),
            ["QTS_OBSERVER_HOST_CONFIG"] = Host.Resolve(target.ConfigDirectory),
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
        if (!engine.IsRemote) return Store.PathOf(release);
        var directory = Path.Combine(Path.GetDirectoryName(engine.Ssh.Client)!, "releases", release);
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
    /// start-first: verifies the slot (named) before the edge switches to it; a failed report stops it there. It begins as soon as the
    /// slot answers /health, beside the wait for the engine's health check, and judges once that task is done (it faults when the slot fails).
    /// </param>
    /// <returns>The container that serves the release now.</returns>
    public DockerContainer Start(string release, CancellationToken cancellation, bool recreate = false, Func<string, Task, VerifyReport>? verifyBeforeTraffic = null)
    {
        slotStops.RunAll(Log);
        if (target.Strategy == DeployStrategy.StartFirst && RunsInSlots(release)) return StartBeside(release, cancellation, recreate, verifyBeforeTraffic);
        if (target.Strategy == DeployStrategy.StartFirst)
            Log.Warning($"{release} was packaged before start-first (its {ComposeFile} publishes the port): it runs alone, replaced in place as with --strategy=recreate");
        return Replace(release, cancellation, recreate);
    }

    /// <summary>
    /// start-first: the release starts in the slot beside the one that serves (<see cref="SlotPlan"/>),
    /// and only once it is healthy does the edge switch to it; then the slot that served is stopped (and
    /// kept, for a rollback; the stop is deferred past what follows, <see cref="SlotStops"/>). A release that fails never takes traffic: its slot is stopped. The first
    /// such deploy of an environment that runs one container removes it just before the edge takes the port.
    /// </summary>
    private DockerContainer StartBeside(string release, CancellationToken cancellation, bool force, Func<string, Task, VerifyReport>? verifyBeforeTraffic)
    {
        var layout = edge.Layout;
        var active = edge.Active();
        var serving = active is { } activeSlot ? engine.Container(layout.SlotContainer(activeSlot)) : null;
        var plan = SlotPlan.For(active, serving is null ? null : new SlotState(serving.State.Running, OwnerOf(serving).Release), release, force);
        var name = layout.SlotContainer(plan.Start);
        if (!plan.AlreadyServes)
        {
            Log.Information($"Starting {release} in {name} from {target.ImageOf(release)} (compose project {layout.SlotProject(plan.Start)})" +
                (plan.Drain is { } drained ? $", beside {layout.SlotContainer(drained)}, which serves until {release} is healthy" : ""));
            StartWith(name, release, () => engine.Call(DockerAliases.DockerComposeUp, Compose(new DockerComposeUpSettings { ForceRecreate = force }, release, plan.Start)));
        }
        DockerContainer container;
        var verifies = !plan.AlreadyServes && verifyBeforeTraffic is not null;
        var healthy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<VerifyReport>? verification = null;
        // Verifying begins once the slot answers: what it reads inside and its settle wait overlap the engine's health check.
        void BeginVerification() => verification ??= Task.Run(() => verifyBeforeTraffic!(name, healthy.Task));
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
                    throw new ReleaseStartException($"{name} from {target.ImageOf(release)} is healthy but failed verification before taking traffic: {report.FailureSummary}");
            }
        }
        catch (Exception) when (!plan.AlreadyServes)
        {
            // It never took traffic; stopped, it cannot crash-loop beside the release that serves.
            engine.Call(DockerAliases.DockerStop, new DockerStopSettings { Container = name, TimeoutSeconds = 5 });
            throw;
        }
        if (engine.Container(target.ContainerName) is not null)
        {
            Log.Warning($"Moving {target.Name} to start-first: removing {target.ContainerName}, which publishes the port itself, so that the edge can publish it " +
                "(requests fail for the moment it takes, this once; its data is shared and was backed up)");
            engine.Call(DockerAliases.DockerRemoveContainer, new DockerRemoveContainerSettings { Container = target.ContainerName });
        }
        edge.SwitchTo(plan.Start);
        if (plan.Drain is { } old)
        {
            var drained = layout.SlotContainer(old);
            var served = OwnerOf(serving!).Release;
            // nginx's old workers are gone, so no request reaches it any more.
            slotStops.Defer(drained, () =>
            {
                engine.Call(DockerAliases.DockerStop, new DockerStopSettings { Container = drained, TimeoutSeconds = 10 });
                return $"Stopped {drained} ({served}): it stays, stopped, so that a rollback is a switch back";
            });
        }
        return container;
    }

    /// <summary>recreate: replaces whatever the compose project runs with the release (the old one stops first), then waits for healthy.</summary>
    private DockerContainer Replace(string release, CancellationToken cancellation, bool recreate)
    {
        var name = target.ContainerName;
        var project = target.ComposeProject;
        if (edge.Remove() is { Count: > 0 } removed)
            Log.Warning($"Moving {target.Name} to one container (recreate): removed the edge and the slots ({string.Join(", ", removed)}); {name} publishes the port itself");
        Log.Information($"Starting {name} from {target.ImageOf(release)} (compose project {project})");
        StartWith(name, release, () =>
        {
            // A failed compose v1 recreate leaves the old container renamed <id>_<name> and the new one not running:
            // they hold the name and would wedge every later up, so the project is taken down first. A running
            // container of that name is left to up, which replaces it only when the release differs.
            var leftovers = engine.Call(DockerAliases.DockerPs, new DockerPsSettings { All = true, Filters = [$"label=com.docker.compose.project={project}"] })
                .Where(container => container.State != "running" || container.Names != name).Select(container => container.Names).ToList();
            if (leftovers.Count > 0)
            {
                Log.Information($"Removing what earlier runs left in the project: {string.Join(", ", leftovers)}");
                engine.Call(DockerAliases.DockerComposeDown, Compose(new DockerComposeDownSettings { RemoveOrphans = true }, release));
            }
            engine.Call(DockerAliases.DockerComposeUp, Compose(new DockerComposeUpSettings { ForceRecreate = recreate }, release));
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
            throw new PipelineException($"docker-compose (v1) cannot reach the ssh:// engine {engine.Describe()}: it needs Python's paramiko module, even to use the ssh client. " +
                "Fix: apt-get install python3-paramiko (build/setup.sh does), or install the Compose v2 plugin.");
        }
        catch (DockerCommandException exception)
        {
            var said = exception.Result.Error.NonBlank().TakeLast(3).ToList();
            throw new ReleaseStartException($"{name} from {target.ImageOf(release)} could not be started: {(said.Count > 0 ? string.Join(" | ", said) : exception.Message)}");
        }
    }

    /// <summary>
    /// Gives host folders (data, logs) to the service's user (uid 10001), recursively. The engine is
    /// root: a throwaway container of the release's image does it, with or without our own root; the image
    /// has Python, not chown.
    /// </summary>
    public void GiveToService(string release, params string[] directories) =>
        engine.Call(DockerAliases.DockerRun, new DockerRunSettings
        {
            Image = target.ImageOf(release), User = "0:0", Entrypoint = "python3",
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
        if (edge.Active() is null)
        {
            engine.Call(DockerAliases.DockerComposeDown, Compose(new DockerComposeDownSettings { RemoveOrphans = true }, release));
            return;
        }
        foreach (var name in new[] { Slot.A, Slot.B }.Select(edge.Layout.SlotContainer))
            if (engine.Container(name) is { State.Running: true } running && OwnerOf(running).Release == release)
                engine.Call(DockerAliases.DockerStop, new DockerStopSettings { Container = name });
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
        var timeout = TimeSpan.FromSeconds(target.HealthTimeoutSeconds);
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
                var container = engine.Container(name) ?? throw new ReleaseStartException($"compose up reported success but there is no container {name}.");
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
                    var reasons = crashed ? [] : HealthReasons.Of(healthEndpoint.Ask(name, running: true, inside: !publishes).Body);
                    var logs = engine.Logs(name, tail: 15).NonBlank().TakeLast(8);
                    throw new ReleaseStartException($"{name} from {target.ImageOf(release)} {state}" +
                        (reasons.Count > 0 ? $": its /health says {string.Join("; ", reasons)}" : "") + $". Last log lines: {string.Join(" | ", logs)}");
                }
            }
            if (answered is null && healthEndpoint.Answers(name, inside: !publishes))
            {
                answered = clock.Elapsed;
                Log.Information($"{name} answers /health after {answered.Value.TotalSeconds:0.0} s; waiting for the engine's health check (every {target.HealthIntervalSeconds} s)");
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
