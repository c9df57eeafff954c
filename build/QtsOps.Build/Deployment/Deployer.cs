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
public sealed class Deployer(DockerEngine engine)
{
    private BuildContext Context => engine.Context;

    /// <summary>Why a deploy has nothing to do, or null; <see cref="DeploySkip"/> judges what the engine, the store and the history say.</summary>
    public string? AlreadyRunning()
    {
        Context.RequireApproval(ProtectedChange.Deploy);
        engine.EnsureReachable();
        var runner = new ReleaseRunner(engine);
        var release = Context.ReleaseName;
        var name = Context.Target.ContainerName;
        return DeploySkip.Reason(new DeploySkipEvidence(release, runner.Store.Current, name,
            () => engine.Container(name) is { } container
                ? new ContainerFound(container.Id, container.State.Running, container.State.Health?.Status, container.RestartCount, runner.IsOurs(container), container.Image)
                : null,
            containerId => runner.History.DeployedSuccessfully(release, containerId),
            () => engine.Image(Context.ImageReference)?.Id));
    }

    public void Run()
    {
        Context.RequireApproval(ProtectedChange.Deploy);
        var info = engine.EnsureReachable();
        var target = Context.Target;
        var release = Context.ReleaseName;

        using var held = DeploymentLocks.Acquire(engine, $"deploy {release}");
        using var interruption = Interruption.Watch(Context.Log, $"the deploy of {release}");
        var runner = new ReleaseRunner(engine);
        var foreign = ForeignContainer(runner);
        CheckBeforeDeploy(info);
        var image = engine.IsRemote ? new HostImage(engine).Deliver() : engine.Image(Context.ImageReference)
            ?? throw new PipelineException($"The image {Context.ImageReference} is not on the engine. Fix: ./build.sh --target=image (deploy depends on it).");

        var started = DateTimeOffset.UtcNow;
        var entry = new HistoryEntry
        {
            Action = HistoryAction.Deploy, Result = HistoryResult.Succeeded, Version = Context.Checkout.Version, Release = release,
            Image = Context.ImageReference, ImageId = image.Id, Digest = image.RepoDigests.FirstOrDefault(), StartedAt = started, FinishedAt = started,
        };
        var previous = runner.Store.Current;
        try
        {
            if (foreign is not null) TakeOver(foreign, release);
            BackUpData(release);
            interruption.Token.ThrowIfCancellationRequested();
            runner.Store.Install(Context.PackageDirectory, release);
            PrepareSharedDirectories(release);
            interruption.Token.ThrowIfCancellationRequested();
        }
        catch (Exception) when (interruption.IsRequested)
        {
            throw new PipelineException($"{RecordInterruption(runner, entry, interruption, "before the switch to it")}. What runs was not changed ({previous ?? "nothing"}).");
        }

        runner.Store.Activate(release);
        Context.Log.Information($"Installed {release} in {runner.Store.PathOf(release)}" + (previous is null ? "" : $" (previous: {previous})"));
        try
        {
            var container = runner.Start(release, interruption.Token, recreate: Context.Options.Get(PipelineOptions.ForceDeploy));
            runner.Record(entry with { ContainerId = container.Id, FinishedAt = DateTimeOffset.UtcNow });
            Context.Notify(NotificationEvent.DeploySucceeded, $"{Context.Checkout.Version} runs healthy on {target.Name} ({Context.ImageReference}, {image.Id[7..19]})");
        }
        catch (Exception) when (interruption.IsRequested)
        {
            // Ctrl-C in a terminal also reaches docker and compose, so their failures are the interruption too.
            var interrupted = RecordInterruption(runner, entry, interruption, "while it started");
            // The undo runs to its end; a second signal ends the process at once.
            throw new PipelineException($"{interrupted}. Now: {new RollbackRunner(engine).RollBackOrLeave(release, CancellationToken.None)}.");
        }
        catch (Exception exception)
        {
            // Whatever failed (compose could not create or start the container, or it never became healthy), the release is not serving.
            Context.Log.Error($"Deploy of {release} failed: {exception.Message}");
            // Recorded first, as it happened first; a write that fails (a full disk) is reported and never keeps the failed release running.
            var unrecorded = runner.Record(entry with { Result = HistoryResult.Failed, FinishedAt = DateTimeOffset.UtcNow, Detail = exception.Message });
            Context.Notify(NotificationEvent.DeployFailed, exception.Message);
            var now = new RollbackRunner(engine).RollBackOrLeave(release, interruption.Token);
            throw new PipelineException($"Deploy of {release} to {target.Name} failed: {exception.Message} Now: {now}." + (unrecorded is null ? "" : $" Also, {unrecorded}"));
        }
        ReportWriter.Write(Context.ReportsDirectory, "deploy", "deployed",
            new { environment = target.Name, Context.Checkout.Version, release, image = Context.ImageReference, imageId = image.Id, previous, engine = engine.Describe() },
            $"# deploy: {target.Name}\n\n`{release}` runs healthy in `{target.ContainerName}` from `{Context.ImageReference}` ({image.Id[7..19]}) on {engine.Describe()}; previous release: {(previous is null ? "none" : $"`{previous}`")}.\n", []);
        var removed = runner.Store.Prune(target.ReleasesToKeep, runner.History.LastVerified(except: release) is { } verified ? [verified.Release] : []);
        if (removed.Count > 0) Context.Log.Information($"Removed old releases: {string.Join(", ", removed)}");
        if (interruption.IsRequested)
            throw new PipelineException($"{interruption.Signal} came as the deploy of {release} finished: it is recorded, and the run stops here.");
    }

    /// <summary>Records the deploy as interrupted and notifies; returns the first part of the error.</summary>
    private string RecordInterruption(ReleaseRunner runner, HistoryEntry entry, Interruption interruption, string when)
    {
        var detail = $"interrupted by {interruption.Signal} {when}";
        runner.Record(entry with { Result = HistoryResult.Interrupted, FinishedAt = DateTimeOffset.UtcNow, Detail = detail });
        Context.Notify(NotificationEvent.DeployFailed, detail);
        return $"Deploy of {entry.Release} to {Context.Target.Name} {detail}";
    }

    /// <summary>
    /// The container of the environment's name when another deployment (another checkout, or none)
    /// started it. Deploying over it needs --take-over; without, nothing is changed.
    /// </summary>
    private DockerContainer? ForeignContainer(ReleaseRunner runner)
    {
        if (Foreign(runner) is not var (container, refusal)) return null;
        if (!Context.Options.Get(PipelineOptions.TakeOver)) throw new PipelineException(refusal);
        Context.Log.Warning($"Taking over {Context.Target.ContainerName} from {ReleaseRunner.OwnerOf(container).Describe()} (--take-over)");
        return container;
    }

    /// <summary>The container of the environment's name when another deployment started it, with the refusal a deploy without --take-over gives.</summary>
    public (DockerContainer Container, string Refusal)? Foreign(ReleaseRunner runner)
    {
        var name = Context.Target.ContainerName;
        if (engine.Container(name) is not { } container || runner.IsOurs(container)) return null;
        return (container, $"The container {name} belongs to {ReleaseRunner.OwnerOf(container).Describe()}, not to this one ({runner.Store.DeployDirectory}); nothing was changed. " +
            "Fix: deploy from that checkout, give this environment another containerName and port in environments.json, " +
            "or take it over with --take-over (the data it mounts is backed up first).");
    }

    /// <summary>Backs up the data the other deployment's container really mounts, then removes the container (its folders stay).</summary>
    private void TakeOver(DockerContainer container, string release)
    {
        var name = Context.Target.ContainerName;
        if (container.Mounts.FirstOrDefault(m => m.Destination == Verifier.DataMount) is { } data && engine.Host.Files.DirectoryExists(data.Source))
        {
            var backup = engine.Host.BackUp(data.Source, engine.Host.Resolve(Context.Target.BackupDirectory), $"takeover-before-{release}", DateTimeOffset.UtcNow);
            Context.Log.Information($"Backed up the data {name} mounted ({data.Source}): {backup.Files} file(s) to {backup.ArchivePath}, SHA-256 {backup.Sha256[..12]}");
            ReportLeftOut(backup);
        }
        Context.DockerRemoveContainer(engine.With(new DockerRemoveContainerSettings { Container = name }));
    }

    private void CheckBeforeDeploy(DockerEngineInfo info)
    {
        var target = Context.Target;
        var problems = PreDeployProblems(info);
        if (problems.Count > 0)
            throw new PipelineException($"Pre-deploy checks failed for '{target.Name}'; nothing was changed:{Environment.NewLine}  - {string.Join($"{Environment.NewLine}  - ", problems)}");
        Context.Log.Information($"Pre-deploy checks passed: engine {info.ServerVersion}, {info.MemTotal / 1024 / 1024} MB memory, disk and port {target.Bind}:{target.Port} available");
    }

    /// <summary>What the pre-deploy checks find now: disk, the engine's memory, who holds the port.</summary>
    public IReadOnlyList<string> PreDeployProblems(DockerEngineInfo info)
    {
        var target = Context.Target;
        var deployDirectory = engine.Host.Resolve(target.DeployDirectory);
        var holders = Context.DockerPs(engine.With(new DockerPsSettings { Filters = [$"publish={target.Port}"] })).Select(c => c.Names).ToList();
        // A port is tried from here only on this machine; on a remote host the engine's list of published ports is the evidence.
        return PreDeployChecks.Problems(new PreDeployEvidence(
            deployDirectory, engine.Host.AvailableBytes(deployDirectory), target.MinFreeDiskMb,
            info.MemTotal, target.MinMemoryMb,
            target.Bind, target.Port, holders, !engine.IsRemote && Answers(target.Bind, target.Port), target.ContainerName));
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
        var target = Context.Target;
        var host = engine.Host;
        var data = host.Resolve(target.DataDirectory);
        if (!host.Files.DirectoryExists(data))
        {
            Context.Log.Information($"No data to back up yet ({data} does not exist)");
            return;
        }
        var backups = host.Resolve(target.BackupDirectory);
        var backup = host.BackUp(data, backups, $"before-{release}", DateTimeOffset.UtcNow);
        Context.Log.Information($"Backed up {backup.Files} data file(s) to {backup.ArchivePath} ({backup.Bytes} bytes, SHA-256 {backup.Sha256[..12]}, read back and checked)");
        ReportLeftOut(backup);
        foreach (var removed in host.PruneBackups(backups, target.BackupsToKeep)) Context.Log.Verbose($"Removed old backup {removed}");
    }

    private void ReportLeftOut(BackupResult backup)
    {
        foreach (var partial in backup.RemovedPartials) Context.Log.Warning($"Removed {partial}: an unfinished backup of an earlier run that was stopped");
        if (backup.Skipped.Count > 0)
            Context.Log.Warning($"Not backed up, as they are no data (check what put them in the data directory): {string.Join(", ", backup.Skipped)}");
    }

    /// <summary>Creates the shared data, log and config folders on first deploy; the service (uid 10001) must own data and logs.</summary>
    private void PrepareSharedDirectories(string release)
    {
        var target = Context.Target;
        var files = engine.Host.Files;
        var data = engine.Host.Resolve(target.DataDirectory);
        var logs = engine.Host.Resolve(target.LogDirectory);
        var config = engine.Host.Resolve(target.ConfigDirectory);
        var created = new[] { data, logs }.Where(d => !files.DirectoryExists(d)).ToList();
        foreach (var directory in created) files.CreateDirectory(directory);
        if (!files.DirectoryExists(config))
        {
            var shipped = files.Combine(new ReleaseRunner(engine).Store.PathOf(release), "config");
            if (files.DirectoryExists(shipped)) files.CopyDirectory(shipped, config);
            else files.CreateDirectory(config);
        }
        if (created.Count > 0) new ReleaseRunner(engine).GiveToService(release, data, logs);
    }
}
