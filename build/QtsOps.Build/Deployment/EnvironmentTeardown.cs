using Cake.Core.Diagnostics;
using QtsOps.Release.Deployment;
using QtsOps.Release.Environments;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>
/// The down target: stops and removes the environment's containers (the single one, the edge, both
/// slots) under the deploy lock, and records it. Data, logs, config, releases, backups and history
/// stay, so a deploy or a rollback brings the service back; verify says it was taken down.
/// </summary>
public sealed class EnvironmentTeardown(DockerEngine engine, DeploymentEnvironment target, ProtectionPolicy protection,
    ReleaseRunner runner, DeploymentLocks locks, RunReporting reporting)
{
    private ICakeLog Log => reporting.Log;

    public void Run()
    {
        protection.Require(target.Name, ProtectedChange.Down);
        engine.EnsureReachable();
        using var held = locks.Acquire("down");
        var containers = runner.Containers();
        if (runner.ClaimRefusal(containers, "nothing was stopped or removed", "take it down from that checkout.") is { } foreign)
            throw new PipelineException(foreign);
        var started = DateTimeOffset.UtcNow;
        var names = containers.Select(c => c.Name.TrimStart('/')).ToList();
        foreach (var name in names) engine.Call(DockerAliases.DockerRemoveContainer, new DockerRemoveContainerSettings { Container = name });
        var release = runner.Store.Current;
        var kept = $"kept: data {engine.Host.Resolve(target.DataDirectory)}, releases in {runner.Store.ReleasesDirectory}, backups in {engine.Host.Resolve(target.BackupDirectory)}";
        var done = names.Count == 0 ? $"no container of '{target.Name}' was there" : $"removed {string.Join(", ", names)}";
        runner.Record(new HistoryEntry
        {
            Action = HistoryAction.Down, Result = HistoryResult.Succeeded, Release = release ?? "(none)", Version = release is null ? "(none)" : runner.History.VersionOf(release) ?? release,
            StartedAt = started, FinishedAt = DateTimeOffset.UtcNow, Detail = $"{done}; {kept}",
        });
        Log.Information($"'{target.Name}' is down: {done}; {kept}. ./build.sh --target=deploy (or --target=rollback) starts it again.");
        reporting.Write("down", "down", new { environment = target.Name, removed = names, release },
            $"# down: {target.Name}\n\n{done}; {kept}.\n", []);
    }
}
