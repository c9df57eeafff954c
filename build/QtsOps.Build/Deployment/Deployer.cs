using System.Net.Sockets;
using Cake.Core.Diagnostics;
using QtsOps.Release.Deployment;
using QtsOps.Release.Environments;
using QtsOps.Release.Notifications;
using QtsOps.Release.Reports;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>
/// The deploy steps: engine reachable, lock, pre-deploy checks, data backup, install the package as
/// releases/&lt;version&gt;, compose up, wait for healthy, record the outcome; a release that does not
/// become healthy is replaced by the last verified one.
/// </summary>
/// <param name="forceDeploy">--force-deploy: deploy, and recreate the container, even when the release already runs.</param>
/// <param name="takeOver">--take-over: deploy over another deployment's container (its data backed up first).</param>
public sealed class Deployer(DockerEngine engine, DeploymentEnvironment target, Checkout checkout, ProtectionPolicy protection, string packageDirectory,
    bool forceDeploy, bool takeOver, ReleaseRunner runner, Verifier verifier, RollbackRunner rollback, HostImage hostImage, DeploymentLocks locks, RunReporting reporting)
{
    private ICakeLog Log => reporting.Log;

    /// <summary>The image this run built, as compose runs it.</summary>
    private string ImageReference => target.ImageOf(checkout.VersionTag);

    /// <summary>Why a deploy has nothing to do, or null; <see cref="DeploySkip"/> judges what the engine, the store and the history say.</summary>
    public string? AlreadyRunning()
    {
        protection.Require(target.Name, ProtectedChange.Deploy);
        engine.EnsureReachable();
        var release = checkout.VersionTag;
        var name = runner.ServingContainer();
        return DeploySkip.Reason(new DeploySkipEvidence(release, runner.Store.Current, name,
            () => engine.Container(name) is { } container
                ? new ContainerFound(container.Id, container.State.Running, container.State.Health?.Status, container.RestartCount, runner.IsOurs(container), container.Image)
                : null,
            containerId => runner.History.DeployedSuccessfully(release, containerId),
            () => engine.Image(ImageReference)?.Id));
    }

    public void Run()
    {
        protection.Require(target.Name, ProtectedChange.Deploy);
        var info = engine.EnsureReachable();
        var release = checkout.VersionTag;

        using var held = locks.Acquire($"deploy {release}");
        using var interruption = Interruption.Watch(Log, $"the deploy of {release}");
        var foreign = ForeignContainer();
        CheckBeforeDeploy(info);
        var image = engine.IsRemote ? hostImage.Deliver() : engine.Image(ImageReference)
            ?? throw new PipelineException($"The image {ImageReference} is not on the engine. Fix: ./build.sh --target=image (deploy depends on it).");

        var started = DateTimeOffset.UtcNow;
        var entry = new HistoryEntry
        {
            Action = HistoryAction.Deploy, Result = HistoryResult.Succeeded, Version = checkout.Version, Release = release,
            Image = ImageReference, ImageId = image.Id, Digest = image.RepoDigests.FirstOrDefault(), StartedAt = started, FinishedAt = started,
        };
        var previous = runner.Store.Current;
        try
        {
            if (foreign is not null) TakeOver(foreign, release);
            BackUpData(release);
            interruption.Token.ThrowIfCancellationRequested();
            runner.Store.Install(packageDirectory, release);
            PrepareSharedDirectories(release);
            interruption.Token.ThrowIfCancellationRequested();
        }
        catch (Exception) when (interruption.IsRequested)
        {
            throw new PipelineException($"{RecordInterruption(entry, interruption, "before the switch to it")}. What runs was not changed ({previous ?? "nothing"}).");
        }

        runner.Store.Activate(release);
        Log.Information($"Installed {release} in {runner.Store.PathOf(release)}" + (previous is null ? "" : $" (previous: {previous})"));
        try
        {
            // start-first: the release is verified on its own before it takes traffic (the verify target checks it again as it serves).
            var container = runner.Start(release, interruption.Token, recreate: forceDeploy,
                verifyBeforeTraffic: (slot, healthy) => verifier.Run(release, "verify-before-traffic", interruption.Token, beforeTraffic: slot, healthy));
            runner.Record(entry with { ContainerId = container.Id, FinishedAt = DateTimeOffset.UtcNow });
            reporting.Notify(NotificationEvent.DeploySucceeded, $"{checkout.Version} runs healthy on {target.Name} ({ImageReference}, {image.Id[7..19]})");
        }
        catch (Exception) when (interruption.IsRequested)
        {
            // Ctrl-C in a terminal also reaches docker and compose, so their failures are the interruption too.
            var interrupted = RecordInterruption(entry, interruption, "while it started");
            // The undo runs to its end; a second signal ends the process at once.
            throw new PipelineException($"{interrupted}. Now: {rollback.RollBackOrLeave(release, CancellationToken.None)}.");
        }
        catch (Exception exception)
        {
            // Whatever failed (compose could not create or start the container, or it never became healthy), the release is not serving.
            Log.Error($"Deploy of {release} failed: {exception.Message}");
            // Recorded first, as it happened first; a write that fails (a full disk) is reported and never keeps the failed release running.
            var unrecorded = runner.Record(entry with { Result = HistoryResult.Failed, FinishedAt = DateTimeOffset.UtcNow, Detail = exception.Message });
            reporting.Notify(NotificationEvent.DeployFailed, exception.Message);
            var now = rollback.RollBackOrLeave(release, interruption.Token);
            throw new PipelineException($"Deploy of {release} to {target.Name} failed: {exception.Message} Now: {now}." + (unrecorded is null ? "" : $" Also, {unrecorded}"));
        }
        reporting.Write("deploy", "deployed",
            new { environment = target.Name, checkout.Version, release, image = ImageReference, imageId = image.Id, previous, engine = engine.Describe() },
            $"# deploy: {target.Name}\n\n`{release}` runs healthy in `{runner.ServingContainer()}` ({DeployStrategies.Name(target.Strategy)}) from `{ImageReference}` ({image.Id[7..19]}) on {engine.Describe()}; previous release: {(previous is null ? "none" : $"`{previous}`")}.\n", []);
        var removed = runner.Store.Prune(target.ReleasesToKeep, runner.History.LastVerified(except: release) is { } verified ? [verified.Release] : []);
        if (removed.Count > 0) Log.Information($"Removed old releases: {string.Join(", ", removed)}");
        if (interruption.IsRequested)
            throw new PipelineException($"{interruption.Signal} came as the deploy of {release} finished: it is recorded, and the run stops here.");
    }

    /// <summary>Records the deploy as interrupted and notifies; returns the first part of the error.</summary>
    private string RecordInterruption(HistoryEntry entry, Interruption interruption, string when)
    {
        var detail = $"interrupted by {interruption.Signal} {when}";
        runner.Record(entry with { Result = HistoryResult.Interrupted, FinishedAt = DateTimeOffset.UtcNow, Detail = detail });
        reporting.Notify(NotificationEvent.DeployFailed, detail);
        return $"Deploy of {entry.Release} to {target.Name} {detail}";
    }

    /// <summary>
    /// The container of the environment's name when another deployment (another checkout, or none)
    /// started it. Deploying over it needs --take-over; without, nothing is changed.
    /// </summary>
    private DockerContainer? ForeignContainer()
    {
        if (Foreign() is not var (container, refusal)) return null;
        if (!takeOver) throw new PipelineException(refusal);
        Log.Warning($"Taking over {container.Name.TrimStart('/')} from {ReleaseRunner.OwnerOf(container).Describe()} (--take-over)");
        return container;
    }

    /// <summary>The container of the environment's name when another deployment started it, with the refusal a deploy without --take-over gives.</summary>
    public (DockerContainer Container, string Refusal)? Foreign()
    {
        var name = runner.ServingContainer();
        if (engine.Container(name) is not { } container || runner.IsOurs(container)) return null;
        return (container, $"The container {name} belongs to {ReleaseRunner.OwnerOf(container).Describe()}, not to this one ('{target.Name}' in {runner.Store.DeployDirectory}); nothing was changed. " +
            "Fix: deploy from that checkout, give this environment another containerName and port in environments.json, " +
            "or take it over with --take-over (the data it mounts is backed up first).");
    }

    /// <summary>Backs up the data the other deployment's container really mounts, then removes the container (its folders stay).</summary>
    private void TakeOver(DockerContainer container, string release)
    {
        var name = container.Name.TrimStart('/');
        if (container.Mounts.FirstOrDefault(m => m.Destination == Verifier.DataMount) is { } data && engine.Host.Files.DirectoryExists(data.Source))
        {
            var backup = engine.Host.BackUp(data.Source, engine.Host.Resolve(target.BackupDirectory), $"takeover-before-{release}", DateTimeOffset.UtcNow);
            Log.Information($"Backed up the data {name} mounted ({data.Source}): {backup.Files} file(s) to {backup.ArchivePath}, SHA-256 {backup.Sha256[..12]}");
            ReportLeftOut(backup);
        }
        engine.Call(DockerAliases.DockerRemoveContainer, new DockerRemoveContainerSettings { Container = name });
    }

    private void CheckBeforeDeploy(DockerEngineInfo info)
    {
        var problems = PreDeployProblems(info);
        if (problems.Count > 0)
            throw new PipelineException($"Pre-deploy checks failed for '{target.Name}'; nothing was changed:{Environment.NewLine}  - {string.Join($"{Environment.NewLine}  - ", problems)}");
        Log.Information($"Pre-deploy checks passed: engine {info.ServerVersion}, {info.MemTotal / 1024 / 1024} MB memory, disk and port {target.Bind}:{target.Port} available");
    }

    /// <summary>What the pre-deploy checks find now: disk, the engine's memory, who holds the port.</summary>
    public IReadOnlyList<string> PreDeployProblems(DockerEngineInfo info)
    {
        var deployDirectory = engine.Host.Resolve(target.DeployDirectory);
        var holders = engine.Call(DockerAliases.DockerPs, new DockerPsSettings { Filters = [$"publish={target.Port}"] }).Select(c => c.Names).ToList();
        // A port is tried from here only on this machine; on a remote host the engine's list of published ports is the evidence.
        return PreDeployChecks.Problems(new PreDeployEvidence(
            deployDirectory, engine.Host.AvailableBytes(deployDirectory), target.MinFreeDiskMb,
            info.MemTotal, target.MinMemoryMb,
            target.Bind, target.Port, holders, !engine.IsRemote && Answers(target.Bind, target.Port), [target.ContainerName, runner.Layout.EdgeContainer]));
    }

    private static bool Answers(string bind, int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(bind == "0.0.0.0" ? "127.0.0.1" : bind, port).Wait(TimeSpan.FromMilliseconds(500)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    private void BackUpData(string release)
    {
        var host = engine.Host;
        var data = host.Resolve(target.DataDirectory);
        if (!host.Files.DirectoryExists(data))
        {
            Log.Information($"No data to back up yet ({data} does not exist)");
            return;
        }
        var backups = host.Resolve(target.BackupDirectory);
        var backup = host.BackUp(data, backups, $"before-{release}", DateTimeOffset.UtcNow);
        Log.Information($"Backed up {backup.Files} data file(s) to {backup.ArchivePath} ({backup.Bytes} bytes, SHA-256 {backup.Sha256[..12]}, read back and checked)");
        ReportLeftOut(backup);
        foreach (var removed in host.PruneBackups(backups, target.BackupsToKeep)) Log.Verbose($"Removed old backup {removed}");
    }

    private void ReportLeftOut(BackupResult backup)
    {
        foreach (var partial in backup.RemovedPartials) Log.Warning($"Removed {partial}: an unfinished backup of an earlier run that was stopped");
        if (backup.Skipped.Count > 0)
            Log.Warning($"Not backed up, as they are no data (check what put them in the data directory): {string.Join(", ", backup.Skipped)}");
    }

    /// <summary>Creates the shared data, log and config folders on first deploy; the service (uid 10001) must own data and logs.</summary>
    private void PrepareSharedDirectories(string release)
    {
        var files = engine.Host.Files;
        var data = engine.Host.Resolve(target.DataDirectory);
        var logs = engine.Host.Resolve(target.LogDirectory);
        var config = engine.Host.Resolve(target.ConfigDirectory);
        var created = new[] { data, logs }.Where(d => !files.DirectoryExists(d)).ToList();
        foreach (var directory in created) files.CreateDirectory(directory);
        if (!files.DirectoryExists(config))
        {
            var shipped = files.Combine(runner.Store.PathOf(release), "config");
            if (files.DirectoryExists(shipped)) files.CopyDirectory(shipped, config);
            else files.CreateDirectory(config);
        }
        if (created.Count > 0) runner.GiveToService(release, data, logs);
    }
}
