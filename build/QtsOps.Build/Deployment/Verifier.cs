using System.Globalization;
using Cake.Core.Diagnostics;
using QtsOps.Release.Packaging;
using QtsOps.Release.Reports;
using QtsOps.Release.Verification;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>Gathers the evidence of the post-deploy checklist from the running container; <see cref="VerifyChecklist"/> judges it.</summary>
public sealed class Verifier(DockerEngine engine)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    /// <summary>Where the service keeps its records, inside the container.</summary>
    public const string DataMount = "/app/data/observer";
    private const string LogMount = "/app/logs";
    private const string ConfigMount = "/app/config";

    private BuildContext Context => engine.Context;

    /// <summary>Verifies the running release and writes artifacts/reports/&lt;report&gt;.json and .md.</summary>
    /// <param name="cancellation">Ends the settle wait early with an <see cref="OperationCanceledException"/>.</param>
    public VerifyReport Run(string release, string reportName, CancellationToken cancellation)
    {
        var target = Context.Target;
        var runner = new ReleaseRunner(engine);
        var name = target.ContainerName;
        var container = engine.Container(name);
        if (container is { State.Running: true })
        {
            var settled = new SettleWindow(container.State.StartedAt, target.SettleSeconds).LeftAt(DateTimeOffset.UtcNow);
            if (settled > TimeSpan.Zero)
            {
                Context.Log.Information($"Letting {name} settle for {settled.TotalSeconds:0.#} s");
                cancellation.WaitHandle.WaitOne(settled);
                cancellation.ThrowIfCancellationRequested();
            }
            container = engine.Container(name);
        }

        var running = container is { State.Running: true };
        var now = DateTimeOffset.UtcNow;
        var evidence = new VerifyEvidence
        {
            ContainerName = name,
            Container = container is null ? null : new ContainerEvidence(container.Id, container.State.Status, container.State.Running,
                container.State.Health?.Status, container.RestartCount, container.State.StartedAt, container.Image),
            HealthEndpoint = Health(name, running),
            SettleSeconds = target.SettleSeconds,
            ExpectedEnvironment = ExpectedEnvironment(runner.Store.PathOf(release)),
            ActualEnvironment = running ? ExecLines(name, "env") is { } env ? VerifyChecklist.ParseEnvironment(env) : null : null,
            EnvironmentError = running ? null : "the container is not running",
            Mounts = container is null ? [] : Mounts(container, running),
            LogLines = container is null ? [] : engine.Logs(name, since: container.State.StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)),
            Resources = running ? Resources(container!) : null,
            Records = Records(name, running, new SettleWindow(container?.State.StartedAt ?? now, target.SettleSeconds).RecordsSince(now)),
            Disk = running && ExecLines(name, "df", "-P", DataMount) is { } df ? new DiskEvidence(DataMount, VerifyChecklist.ParseDfUsedPercent(df), df.Last()) : null,
            MaxDiskUsedPercent = target.MaxDiskUsedPercent,
        };
        var checks = VerifyChecklist.Evaluate(evidence);
        var composeFile = engine.IsRemote
            ? $"{engine.Host.Name}:{engine.Host.Files.Combine(runner.Store.PathOf(release), "docker-compose.yml")}"
            : Path.GetRelativePath(Context.RepositoryRoot, Path.Combine(runner.Store.PathOf(release), "docker-compose.yml")).Replace('\\', '/');
        var report = VerifyReport.Of(reportName, Context.EnvironmentName, release, name, now, checks, composeFile);
        ReportWriter.Write(Context.ReportsDirectory, reportName, report.Passed ? "passed" : "failed", report, report.ToMarkdown(), report.Findings);
        Context.AddSummarySection($"Verify ({Context.EnvironmentName}, {release})", report.ToMarkdown());
        foreach (var check in checks)
        {
            if (check.Passed) Context.Log.Information($"  pass  {check.Name}: {check.Evidence}");
            else Context.Log.Error($"  FAIL  {check.Name}: {check.Evidence}");
        }
        return report;
    }

    private static HttpEvidence Get(string url)
    {
        try
        {
            using var response = Http.GetAsync(url).GetAwaiter().GetResult();
            return new HttpEvidence(url, (int)response.StatusCode, response.Content.ReadAsStringAsync().GetAwaiter().GetResult().Trim(), null);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return new HttpEvidence(url, null, "", exception.Message);
        }
    }

    /// <summary>
    /// GET /health where it is true: on this machine through healthUrl; on a remote host from inside the
    /// container (its own loopback), and through healthUrl too when that is reachable from here. The
    /// evidence says which.
    /// </summary>
    private HttpEvidence Health(string container, bool running)
    {
        var url = Context.Target.HealthUrl;
        if (!engine.IsRemote) return Get(url);
        var inside = $"http://127.0.0.1:{ServicePort}/health inside {container} on {engine.Host.Name}";
        if (!running) return new HttpEvidence(inside, null, "", "the container is not running");
        var asked = engine.Exec(container, "python3", "-c", InsideHealthProbe);
        var evidence = asked.Succeeded && asked.Output.Count > 0 && int.TryParse(asked.Output[0], out var status)
            ? new HttpEvidence(inside, status, string.Join("\n", asked.Output.Skip(1)).Trim(), null)
            : new HttpEvidence(inside, null, "", string.Join(" ", asked.Error.Concat(asked.Output)).Trim());
        if (evidence.StatusCode != 200) return evidence;
        var outside = Get(url);
        return outside.StatusCode is null
            ? evidence with { Url = $"{inside} ({url} is not reachable from this machine: {outside.Error})" }
            : outside with { Url = $"{url} from this machine (and {inside}: 200)" };
    }

    /// <summary>The port the service listens on inside its container (compose publishes the environment's port to it).</summary>
    private const int ServicePort = 8000;

    /// <summary>Prints the status code, then the body, of GET /health on the container's loopback; the image has Python, the service's runtime.</summary>
    private static readonly string InsideHealthProbe = string.Join("\n",
        "import urllib.request, urllib.error",
        "try:",
        $"    r = urllib.request.urlopen('http://127.0.0.1:{ServicePort}/health', timeout=5)",
        "except urllib.error.HTTPError as e:",
        "    r = e",
        "print(r.status)",
        "print(r.read().decode('utf-8', 'replace'))");

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
            var probe = engine.Exec(container.Name.TrimStart('/'), "sh", "-c",
                "p=\"$1/.qtsops-verify-probe-$$\" && echo probe > \"$p\" && test \"$(cat \"$p\")\" = probe && rm \"$p\" && test ! -e \"$p\" && echo ok", "sh", destination);
            var said = string.Join(" ", probe.Output.Concat(probe.Error)).Trim();
            return new MountEvidence(destination, writable, mount.Source, mount.RW, probe.Succeeded && said == "ok", said);
        }).ToList();

    private ResourceEvidence Resources(DockerContainer container)
    {
        var stats = Context.DockerStats(engine.With(new DockerStatsSettings { Container = container.Id }));
        return new ResourceEvidence(stats.CpuPercent, container.HostConfig.NanoCpus / 1e9, Context.Target.CpuLimit,
            stats.MemoryUsageBytes, container.HostConfig.Memory, Context.Target.MemoryLimitMb * 1024L * 1024L);
    }

    private DataRecordEvidence Records(string container, bool running, DateTimeOffset windowStart)
    {
        if (!running) return new DataRecordEvidence(windowStart, [], "the container is not running");
        var output = engine.Exec(container, "sh", "-c", $"tail -q -n 50 {DataMount}/observations-*.jsonl");
        return output.Succeeded
            ? new DataRecordEvidence(windowStart, VerifyChecklist.ParseRecordTimes(output.Output), null)
            : new DataRecordEvidence(windowStart, [], string.Join(" ", output.Error).Trim());
    }
}
