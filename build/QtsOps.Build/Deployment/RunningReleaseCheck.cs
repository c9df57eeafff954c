using System.Globalization;
using System.Runtime.CompilerServices;
using Cake.Core.Diagnostics;
using QtsOps.Core.Environments;
using QtsOps.Core.Packaging;
using QtsOps.Core.Reports;
using QtsOps.Core.Verification;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>Gathers the evidence of the post-deploy checklist from the running container; <see cref="VerifyChecklist"/> judges it.</summary>
/// <param name="repositoryRoot">The report names a compose file on this machine relative to it.</param>
/// <param name="checkedBeforeTraffic">This run's last check of a slot before traffic: written by it, reused in part by the verify after it.</param>
public sealed class RunningReleaseCheck(DeploySession session, string repositoryRoot, StrongBox<CheckedBeforeTraffic?> checkedBeforeTraffic)
{
    private DockerEngine Engine => session.Engine;
    private DeploymentEnvironment Target => session.Target;
    private RunReporting Reporting => session.Reporting;
    private HealthEndpoint Health => session.Health;

    /// <summary>Where the service keeps its records, inside the container.</summary>
    public const string DataMount = "/app/data/observer";
    private const string LogMount = "/app/logs";
    private const string ConfigMount = "/app/config";

    /// <summary>How long the CPU sample spans (<see cref="CgroupSample"/>).</summary>
    private const double SampleSeconds = 0.5;

    /// <summary>How long before the window's end the CPU and memory sample begins, so that it ends with the window: its docker exec, Python's start and its span.</summary>
    private static readonly TimeSpan SampleLead = TimeSpan.FromSeconds(1);

    private const string CgroupRoot = "/sys/fs/cgroup";

    private ICakeLog Log => Reporting.Log;

    /// <summary>Verifies the running release and writes artifacts/reports/&lt;report&gt;.json and .md; returns the report and the container as the checks last read it.</summary>
    /// <param name="cancellation">Ends the settle wait early with an <see cref="OperationCanceledException"/>.</param>
    /// <param name="beforeTraffic">A start-first slot that does not serve yet, verified on its own: its /health is asked inside it. Null: the container that serves.</param>
    /// <param name="healthy">Done once the engine calls the slot healthy (faulted when it fails): the checks are judged after it, and after the settle window.</param>
    /// <param name="serving">The container that serves as the caller read it a moment ago (the state it began with): not asked of the engine again.</param>
    public CheckedRelease Run(string release, string reportName, CancellationToken cancellation, string? beforeTraffic = null, Task? healthy = null, DockerContainer? serving = null)
    {
        var name = beforeTraffic ?? session.State.ServingName;
        var container = beforeTraffic is null && serving is not null ? serving : Engine.Container(name);
        IReadOnlyList<CheckResult> checks;
        DateTimeOffset now;
        if (beforeTraffic is null && checkedBeforeTraffic.Value is { } earlier && container is not null
            && earlier.WhyNotReused(name, Evidence(container), DateTimeOffset.UtcNow) is null)
        {
            now = DateTimeOffset.UtcNow;
            Log.Information($"{name} is the container checked before it took traffic, {(now - earlier.At).TotalSeconds:0.0} s ago: what was read inside it " +
                $"({string.Join(", ", CheckedBeforeTraffic.ReusedChecks)}) stands; its state, /health and logs are asked again");
            var served = Task.Run(() => Health.Judge(name, running: true));
            var logs = LogsSinceStart(name, container);
            var evidence = earlier.With(Evidence(container), served.GetAwaiter().GetResult(), logs);
            checks = earlier.Marked(VerifyChecklist.Evaluate(evidence), now);
        }
        else
        {
            (var evidence, now, container) = Gather(name, container, ExpectedEnvironment(release), inside: beforeTraffic is not null, healthy, cancellation);
            checks = VerifyChecklist.Evaluate(evidence);
            if (beforeTraffic is not null) checkedBeforeTraffic.Value = new CheckedBeforeTraffic(evidence, checks.All(check => check.Passed), now);
        }
        var composeFile = Engine.IsRemote
            ? $"{Engine.Host.Name}:{Engine.Host.Files.Combine(session.Store.PathOf(release), "docker-compose.yml")}"
            : Path.GetRelativePath(repositoryRoot, Path.Combine(session.Store.PathOf(release), "docker-compose.yml")).Replace('\\', '/');
        var report = VerifyReport.Of(reportName, Target.Name, release, name, now, checks, composeFile);
        Reporting.Write(reportName, report.Passed ? "passed" : "failed", report, report.ToMarkdown(), report.Findings);
        Reporting.AddSummarySection($"Verify ({Target.Name}, {release})", report.ToMarkdown());
        foreach (var check in checks)
        {
            if (check.Passed) Log.Information($"  pass  {check.Name}: {check.Evidence}");
            else Log.Error($"  FAIL  {check.Name}: {check.Evidence}");
        }
        return new CheckedRelease(report, container);
    }

    /// <summary>
    /// The whole checklist's evidence, judged once the container has run for settleSeconds. What does not
    /// change while it settles (environment, mounts, disk) is read during the wait, and CPU and memory are
    /// sampled over its last moments; restarts, logs, records and /health are read after it (the last two
    /// by commands begun a moment before its end, which wait inside for it: <see cref="AfterWindowLead"/>).
    /// </summary>
    /// <returns>The evidence, when the window had passed, and the container as it was read then.</returns>
    private (VerifyEvidence Evidence, DateTimeOffset At, DockerContainer? Container) Gather(string name, DockerContainer? container, IReadOnlyDictionary<string, string> expected, bool inside,
        Task? healthy, CancellationToken cancellation)
    {
        Task<InsideReads>? reads = null;
        Task<ResourceEvidence>? resources = null;
        AfterWindow? begun = null;
        if (container is { State.Running: true } started) (reads, resources, begun, container) = Settle(name, started, inside, healthy, cancellation);

        var running = container is { State.Running: true };
        var now = DateTimeOffset.UtcNow;
        // The reads after the window at once: each waits on the engine, not on the others. Those begun before its end stand for a container that still runs.
        var (answer, records) = running && begun is not null
            ? (begun.Health, begun.Records)
            : (Task.Run(() => Health.Judge(name, running, inside)), Task.Run(() => Records(name, running, container?.State.StartedAt ?? now)));
        var logs = container is { } present ? Task.Run(() => LogsSinceStart(name, present)) : Task.FromResult<IReadOnlyList<string>>([]);
        // What was read while it settled stands only for a container that still runs: else every check inside it fails as not running.
        var read = running ? reads?.GetAwaiter().GetResult() : null;
        return (new VerifyEvidence
        {
            ContainerName = name,
            Container = container is null ? null : Evidence(container),
            HealthEndpoint = answer.GetAwaiter().GetResult(),
            SettleSeconds = Target.SettleSeconds,
            ExpectedEnvironment = expected,
            ActualEnvironment = read?.Environment is { } env ? VerifyChecklist.ParseEnvironment(env) : null,
            EnvironmentError = running ? null : "the container is not running",
            Mounts = container is null ? [] : read?.Mounts ?? Mounts(name, container, running: false),
            LogLines = logs.GetAwaiter().GetResult(),
            Resources = running ? resources?.GetAwaiter().GetResult() : null,
            Records = records.GetAwaiter().GetResult(),
            Disk = read?.Disk is { } df ? new DiskEvidence(DataMount, VerifyChecklist.ParseDfUsedPercent(df), df.Last()) : null,
            MaxDiskUsedPercent = Target.MaxDiskUsedPercent,
        }, now, container);
    }

    /// <summary>
    /// Waits out the settle window (and the engine's healthy, when given), reading meanwhile what does not change inside the container
    /// and sampling CPU and memory over the window's last moments; returns those reads, the reads after the window when they were begun
    /// before its end, and the container as the engine has it then.
    /// </summary>
    private (Task<InsideReads> Reads, Task<ResourceEvidence> Resources, AfterWindow? Begun, DockerContainer? After) Settle(string name, DockerContainer started,
        bool inside, Task? healthy, CancellationToken cancellation)
    {
        var window = new SettleWindow(started.State.StartedAt, Target.SettleSeconds);
        var settled = window.LeftAt(DateTimeOffset.UtcNow);
        var reads = Task.Run(() => ReadInside(name, started));
        var resources = Task.Run(() =>
        {
            cancellation.WaitHandle.WaitOne(settled > SampleLead ? settled - SampleLead : TimeSpan.Zero);
            return Resources(name, started);
        });
        AfterWindow? begun = null;
        if (settled > TimeSpan.Zero)
        {
            Log.Information($"Letting {name} settle for {settled.TotalSeconds:0.#} s");
            cancellation.WaitHandle.WaitOne(settled > AfterWindowLead ? settled - AfterWindowLead : TimeSpan.Zero);
            cancellation.ThrowIfCancellationRequested();
            // Read at the window's end even when the engine's health check has not passed yet: what the engine says is read after both.
            begun = new AfterWindow(Task.Run(() => Health.Judge(name, running: true, inside, notBefore: window.End)),
                Task.Run(() => Records(name, running: true, started.State.StartedAt, notBefore: window.End)));
            cancellation.WaitHandle.WaitOne(window.LeftAt(DateTimeOffset.UtcNow));
            cancellation.ThrowIfCancellationRequested();
        }
        healthy?.WaitAsync(cancellation).GetAwaiter().GetResult();
        return (reads, resources, begun, Engine.Container(name));
    }

    /// <summary>
    /// How long before the window's end /health and the records are asked: each is a docker exec and a Python start (a few tenths of a
    /// second), begun early and waiting inside the container until the end, by its clock, which is the engine's (<see cref="ContainerScripts.NotBefore"/>).
    /// </summary>
    private static readonly TimeSpan AfterWindowLead = TimeSpan.FromSeconds(0.6);

    /// <summary>/health and the records as read at the window's end.</summary>
    private sealed record AfterWindow(Task<HttpEvidence> Health, Task<DataRecordEvidence> Records);

    /// <summary>What is read by commands inside the container: its environment, the mounts with their write probes, df of the data mount (each null when its command failed).</summary>
    private sealed record InsideReads(IReadOnlyList<string>? Environment, IReadOnlyList<MountEvidence> Mounts, IReadOnlyList<string>? Disk);

    /// <summary>The reads at once (each is a docker exec), so that they end within the settle window on a loaded machine too.</summary>
    private InsideReads ReadInside(string name, DockerContainer container)
    {
        var environment = Task.Run(() => ExecLines(name, "python3", "-c", ContainerScripts.Environment));
        var disk = Task.Run(() => ExecLines(name, "python3", "-c", ContainerScripts.DiskUsage, DataMount));
        var mounts = Mounts(name, container, running: true);
        return new(environment.GetAwaiter().GetResult(), mounts, disk.GetAwaiter().GetResult());
    }

    private static ContainerEvidence Evidence(DockerContainer container) => new(container.Id, container.State.Status, container.State.Running,
        container.State.Health?.Status, container.RestartCount, container.State.StartedAt, container.Image);

    private IReadOnlyList<string> LogsSinceStart(string name, DockerContainer container) =>
        Engine.Logs(name, since: container.State.StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));

    /// <summary>
    /// The four variables as the release's deployment_config.json sets them: the configuration the container must match. Of a release
    /// this session installed, read in the package it was copied from (<see cref="QtsOps.Core.Deployment.ReleaseStore.PackageOf"/>); else on the host.
    /// </summary>
    private IReadOnlyDictionary<string, string> ExpectedEnvironment(string release)
    {
        var installed = Engine.Host.Files.Combine(session.Store.PathOf(release), DeployPackage.DeploymentConfig);
        var (text, where) = session.Store.PackageOf(release) is { } package && Path.Combine(package, DeployPackage.DeploymentConfig) is var copy
            ? (File.Exists(copy) ? File.ReadAllText(copy) : null, copy)
            : (Engine.Host.Files.ReadAllText(installed), Engine.Host.Where(installed));
        if (text is null)
            throw new PipelineException($"{where} is missing: the release is not a complete deploy package. Fix: run ./build.sh --target=deploy again.");
        try
        {
            return DeploymentConfigFile.Read(text, where).Environment;
        }
        catch (InvalidDataException exception)
        {
            throw new PipelineException($"{exception.Message}. The release's {DeployPackage.DeploymentConfig} is damaged. Fix: run ./build.sh --target=deploy --force-deploy to install the release again.");
        }
    }

    private IReadOnlyList<string>? ExecLines(string container, params string[] command)
    {
        var output = Engine.Exec(container, command);
        return output.Succeeded ? output.Output : null;
    }

    private IReadOnlyList<MountEvidence> Mounts(string name, DockerContainer container, bool running) =>
        new[] { (DataMount, true), (LogMount, true), (ConfigMount, false) }.Select(wanted =>
        {
            var (destination, writable) = wanted;
            var mount = container.Mounts.FirstOrDefault(m => m.Destination == destination);
            if (mount is null) return new MountEvidence(destination, writable, null, null, null, null);
            if (!writable || !mount.RW || !running) return new MountEvidence(destination, writable, mount.Source, mount.RW, null, running ? null : "not running");
            // As the container's own user: create, read back and delete a probe file.
            var probe = Engine.Exec(name, "python3", "-c", ContainerScripts.WriteProbe, destination);
            var said = string.Join(" ", probe.Output.Concat(probe.Error)).Trim();
            return new MountEvidence(destination, writable, mount.Source, mount.RW, probe.Succeeded && said == "ok", said);
        }).ToList();

    /// <summary>CPU and memory from the container's own cgroup counters, read inside it (<see cref="ContainerScripts.CgroupCounters"/>); its limits as the engine applied them.</summary>
    private ResourceEvidence Resources(string name, DockerContainer container)
    {
        var sampled = Engine.Exec(name, "python3", "-c", ContainerScripts.CgroupCounters, CgroupRoot, SampleSeconds.ToString(CultureInfo.InvariantCulture));
        CgroupSample sample;
        try
        {
            sample = sampled.Succeeded ? CgroupSample.Parse(sampled.Output.LastOrDefault() ?? "") : throw new InvalidDataException(string.Join(" ", sampled.Error.Concat(sampled.Output)).Trim());
        }
        catch (InvalidDataException unread)
        {
            throw new PipelineException($"The CPU and memory of {name} could not be read from its cgroup ({CgroupRoot} inside it): {unread.Message}. " +
                "Fix: the engine must give the container its cgroup files (Docker does by default, v1 and v2).");
        }
        return new ResourceEvidence(sample.CpuPercent, container.HostConfig.NanoCpus / 1e9, Target.CpuLimit,
            sample.MemoryUsageBytes, container.HostConfig.Memory, Target.MemoryLimitMb * 1024L * 1024L);
    }

    /// <param name="notBefore">When given, read no earlier than then by the container's clock.</param>
    private DataRecordEvidence Records(string container, bool running, DateTimeOffset since, DateTimeOffset? notBefore = null)
    {
        if (!running) return new DataRecordEvidence(since, [], "the container is not running");
        var output = Engine.Exec(container, "python3", "-c", ContainerScripts.NotBefore(notBefore, ContainerScripts.LastRecords), DataMount);
        return output.Succeeded
            ? new DataRecordEvidence(since, VerifyChecklist.ParseRecordTimes(output.Output), null)
            : new DataRecordEvidence(since, [], string.Join(" ", output.Error).Trim());
    }
}

/// <summary>A check's report, and the container it checked as it last read it (null when there was none): what the verify records, without asking the engine again.</summary>
public sealed record CheckedRelease(VerifyReport Report, DockerContainer? Container);
