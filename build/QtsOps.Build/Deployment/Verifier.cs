using System.Globalization;
using Cake.Core.Diagnostics;
using QtsOps.Release.Environments;
using QtsOps.Release.Packaging;
using QtsOps.Release.Reports;
using QtsOps.Release.Verification;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>Gathers the evidence of the post-deploy checklist from the running container; <see cref="VerifyChecklist"/> judges it.</summary>
/// <param name="repositoryRoot">The report names a compose file on this machine relative to it.</param>
public sealed class Verifier(DockerEngine engine, DeploymentEnvironment target, ReleaseRunner runner, HealthEndpoint health, string repositoryRoot, RunReporting reporting)
{
    /// <summary>Where the service keeps its records, inside the container.</summary>
    public const string DataMount = "/app/data/observer";
    private const string LogMount = "/app/logs";
    private const string ConfigMount = "/app/config";

    private ICakeLog Log => reporting.Log;

    /// <summary>Verifies the running release and writes artifacts/reports/&lt;report&gt;.json and .md.</summary>
    /// <param name="cancellation">Ends the settle wait early with an <see cref="OperationCanceledException"/>.</param>
    /// <param name="beforeTraffic">A start-first slot that does not serve yet, verified on its own: its /health is asked inside it. Null: the container that serves.</param>
    public VerifyReport Run(string release, string reportName, CancellationToken cancellation, string? beforeTraffic = null)
    {
        var name = beforeTraffic ?? runner.ServingContainer();
        var container = engine.Container(name);
        if (container is { State.Running: true })
        {
            var settled = new SettleWindow(container.State.StartedAt, target.SettleSeconds).LeftAt(DateTimeOffset.UtcNow);
            if (settled > TimeSpan.Zero)
            {
                Log.Information($"Letting {name} settle for {settled.TotalSeconds:0.#} s");
                cancellation.WaitHandle.WaitOne(settled);
                cancellation.ThrowIfCancellationRequested();
            }
            container = engine.Container(name);
        }

        var running = container is { State.Running: true };
        var now = DateTimeOffset.UtcNow;
        // docker stats samples for a second or two: it runs while the other evidence is gathered.
        var resources = running ? Task.Run(() => Resources(container!)) : null;
        var evidence = new VerifyEvidence
        {
            ContainerName = name,
            Container = container is null ? null : new ContainerEvidence(container.Id, container.State.Status, container.State.Running,
                container.State.Health?.Status, container.RestartCount, container.State.StartedAt, container.Image),
            HealthEndpoint = health.Ask(name, running, inside: beforeTraffic is not null),
            SettleSeconds = target.SettleSeconds,
            ExpectedEnvironment = ExpectedEnvironment(runner.Store.PathOf(release)),
            ActualEnvironment = running ? ExecLines(name, "python3", "-c", ContainerScripts.Environment) is { } env ? VerifyChecklist.ParseEnvironment(env) : null : null,
            EnvironmentError = running ? null : "the container is not running",
            Mounts = container is null ? [] : Mounts(container, running),
            LogLines = container is null ? [] : engine.Logs(name, since: container.State.StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)),
            Resources = resources?.GetAwaiter().GetResult(),
            Records = Records(name, running, new SettleWindow(container?.State.StartedAt ?? now, target.SettleSeconds).RecordsSince(now)),
            Disk = running && ExecLines(name, "python3", "-c", ContainerScripts.DiskUsage, DataMount) is { } df ? new DiskEvidence(DataMount, VerifyChecklist.ParseDfUsedPercent(df), df.Last()) : null,
            MaxDiskUsedPercent = target.MaxDiskUsedPercent,
        };
        var checks = VerifyChecklist.Evaluate(evidence);
        var composeFile = engine.IsRemote
            ? $"{engine.Host.Name}:{engine.Host.Files.Combine(runner.Store.PathOf(release), "docker-compose.yml")}"
            : Path.GetRelativePath(repositoryRoot, Path.Combine(runner.Store.PathOf(release), "docker-compose.yml")).Replace('\\', '/');
        var report = VerifyReport.Of(reportName, target.Name, release, name, now, checks, composeFile);
        reporting.Write(reportName, report.Passed ? "passed" : "failed", report, report.ToMarkdown(), report.Findings);
        reporting.AddSummarySection($"Verify ({target.Name}, {release})", report.ToMarkdown());
        foreach (var check in checks)
        {
            if (check.Passed) Log.Information($"  pass  {check.Name}: {check.Evidence}");
            else Log.Error($"  FAIL  {check.Name}: {check.Evidence}");
        }
        return report;
    }

    /// <summary>The four variables as the release's deployment_config.json sets them: the configuration the container must match.</summary>
    private IReadOnlyDictionary<string, string> ExpectedEnvironment(string releaseDirectory)
    {
        var file = engine.Host.Files.Combine(releaseDirectory, DeployPackage.DeploymentConfig);
        var text = engine.Host.Files.ReadAllText(file)
            ?? throw new PipelineException($"{file} is missing on {engine.Host.Name}: the release is not a complete deploy package. Fix: run ./build.sh --target=deploy again.");
        try
        {
            return DeploymentConfigFile.Read(text, engine.Host.Where(file)).Environment;
        }
        catch (InvalidDataException exception)
        {
            throw new PipelineException($"{exception.Message}. The release's {DeployPackage.DeploymentConfig} is damaged. Fix: run ./build.sh --target=deploy --force-deploy to install the release again.");
        }
    }

    private IReadOnlyList<string>? ExecLines(string container, params string[] command)
    {
        var output = engine.Exec(container, command);
        return output.Succeeded ? output.Output : null;
    }

    private IReadOnlyList<MountEvidence> Mounts(DockerContainer container, bool running) =>
        new[] { (DataMount, true), (LogMount, true), (ConfigMount, false) }.Select(wanted =>
        {
            var (destination, writable) = wanted;
            var mount = container.Mounts.FirstOrDefault(m => m.Destination == destination);
            if (mount is null) return new MountEvidence(destination, writable, null, null, null, null);
            if (!writable || !mount.RW || !running) return new MountEvidence(destination, writable, mount.Source, mount.RW, null, running ? null : "not running");
            // As the container's own user: create, read back and delete a probe file.
            var probe = engine.Exec(container.Name.TrimStart('/'), "python3", "-c", ContainerScripts.WriteProbe, destination);
            var said = string.Join(" ", probe.Output.Concat(probe.Error)).Trim();
            return new MountEvidence(destination, writable, mount.Source, mount.RW, probe.Succeeded && said == "ok", said);
        }).ToList();

    private ResourceEvidence Resources(DockerContainer container)
    {
        var stats = engine.Call(DockerAliases.DockerStats, new DockerStatsSettings { Container = container.Id });
        return new ResourceEvidence(stats.CpuPercent, container.HostConfig.NanoCpus / 1e9, target.CpuLimit,
            stats.MemoryUsageBytes, container.HostConfig.Memory, target.MemoryLimitMb * 1024L * 1024L);
    }

    private DataRecordEvidence Records(string container, bool running, DateTimeOffset windowStart)
    {
        if (!running) return new DataRecordEvidence(windowStart, [], "the container is not running");
        var output = engine.Exec(container, "python3", "-c", ContainerScripts.LastRecords, DataMount);
        return output.Succeeded
            ? new DataRecordEvidence(windowStart, VerifyChecklist.ParseRecordTimes(output.Output), null)
            : new DataRecordEvidence(windowStart, [], string.Join(" ", output.Error).Trim());
    }
}
