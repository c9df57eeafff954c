using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using QtsOps.Build.Deployment;
using QtsOps.Core.Deployment;
using QtsOps.Tools;

namespace QtsOps.Tests.Docker;

/// <summary>
/// start-first against the real engine: the edge (nginx) publishes the port, releases start in the
/// slot beside the one that serves, and a client asking /health all the while never sees a failure:
/// not during an upgrade, not while a crashing release is caught, not during a rollback. Also the move
/// from one container to the edge and back. The tests run in order, each from the state the last left.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable]
public class StartFirstDeploymentTests
{
    private RegistryServer _registry = null!;
    private ObserverRepository _repo = null!;
    private string _firstRelease = "";
    private string _secondRelease = "";

    private string Slot(string letter) => $"{_repo.Container}-{letter}";
    private string EdgeName => $"{_repo.Container}-edge";

    [OneTimeSetUp]
    public void StartRegistryAndScratchRepository()
    {
        _registry = new RegistryServer("qtsops", Guid.NewGuid().ToString("N"));
        _repo = new ObserverRepository(_registry.Address);
    }

    [OneTimeTearDown]
    public void RemoveContainersImagesAndFolders()
    {
        _repo?.RemoveFromEngine();
        _repo?.Dispose();
        _registry?.Dispose();
    }

    [Test, Order(1)]
    public void Moving_from_one_container_to_the_edge_is_one_deploy_and_the_slot_publishes_nothing()
    {
        Assert.That(_repo.Run("--target=deploy").ExitCode, Is.Zero, "recreate: one container");
        Assert.That(State(_repo.Container), Is.EqualTo("running"));
        _repo.UseStrategy("start-first");

        var run = _repo.Run("--target=deploy", "--target=verify");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output + run.Error, Does.Contain($"Moving local to start-first: removing {_repo.Container}"));
        Assert.That(State(_repo.Container), Is.Null, "the single container is gone");
        Assert.That((State(Slot("a")), State(EdgeName)), Is.EqualTo(("running", "running")));
        Assert.That(Inspect(Slot("a"), "{{json .NetworkSettings.Ports}}"), Does.Not.Contain("HostPort"), "a slot publishes no port");
        Assert.That(Inspect(EdgeName, "{{json .NetworkSettings.Ports}}"), Does.Contain($"\"HostPort\":\"{_repo.Port}\""));
        Assert.That(DeploymentPipelineTests.Get(_repo.HealthUrl).Status, Is.EqualTo(200));
        _firstRelease = Inspect(Slot("a"), "{{index .Config.Labels \"io.qtsops.release\"}}");
    }

    [Test, Order(2)]
    public void An_upgrade_starts_beside_the_release_that_serves_and_no_request_fails()
    {
        _repo.Commit("a new version");

        using var client = new HealthPoller(_repo.HealthUrl);
        var run = _repo.Run("--target=deploy", "--target=verify");
        var seen = client.Stop();

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(seen.Failed, Is.Zero, $"failed requests of {seen.Requests}: {string.Join(" | ", seen.Failures.Take(5))}");
        Assert.That(seen.Requests, Is.GreaterThan(20));
        _secondRelease = Inspect(Slot("b"), "{{index .Config.Labels \"io.qtsops.release\"}}");
        Assert.That(_secondRelease, Is.Not.EqualTo(_firstRelease));
        Assert.That((State(Slot("b")), State(Slot("a"))), Is.EqualTo(("running", "exited")), "the previous release stays, stopped");
        Assert.That(DeploymentPipelineTests.Get(_repo.HealthUrl).Body, Does.Contain(_secondRelease.Split('_')[0]));
        var verified = File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "verify.md"));
        Assert.That(verified, Does.Contain("| `environment` | pass |").And.Contain("(checked before traffic, ").And.Contain($"GET {_repo.HealthUrl} -> 200"),
            "verify reuses what deploy read inside the slot, and asks /health as it is served");
    }

    [Test, Order(3)]
    public void An_interrupted_force_deploy_of_the_release_that_serves_leaves_it_serving_and_switches_to_no_older_release()
    {
        // The first release verified and is older: a rollback to the last verified release would switch to it.
        using var client = new HealthPoller(_repo.HealthUrl);
        using var deploy = new PipelineProcess(_repo.Root, $"Starting {_secondRelease} in {Slot("a")}", "--target=deploy", "--force-deploy");
        Assert.That(deploy.WaitForLine(TimeSpan.FromMinutes(3)), Is.True, $"the deploy never started the other slot: {deploy.Output}");

        deploy.Signal("TERM");

        Assert.That(deploy.WaitForExit(TimeSpan.FromMinutes(2)), Is.True, "the deploy did not stop");
        var seen = client.Stop();
        Assert.That(deploy.ExitCode, Is.EqualTo(1), deploy.Output);
        Assert.That(deploy.Output, Does.Contain($"{_secondRelease} still serves in {Slot("b")}").And.Not.Contain("Rolling back"));
        Assert.That(Inspect(Slot("b"), "{{index .Config.Labels \"io.qtsops.release\"}}"), Is.EqualTo(_secondRelease));
        Assert.That(State(Slot("b")), Is.EqualTo("running"), "the release that served still serves");
        Assert.That(new FileInfo(Path.Combine(_repo.DeployDirectory, "current")).LinkTarget, Does.EndWith(_secondRelease), "and is current");
        Assert.That(seen.Failed, Is.Zero, $"failed requests of {seen.Requests}: {string.Join(" | ", seen.Failures.Take(5))}");
        Assert.That(DeploymentPipelineTests.Get(_repo.HealthUrl).Body, Does.Contain(_secondRelease.Split('_')[0]));
    }

    [Test, Order(4)]
    public void After_a_switch_the_edge_is_still_restarted_by_the_engine_when_nginx_exits()
    {
        // nginx quits as it would on a crash or a reboot; the engine must start it again (restart: unless-stopped).
        Assert.That(ObserverRepository.Docker("exec", EdgeName, "nginx", "-e", "stderr", "-c", "/etc/qtsops-edge/conf/nginx.conf", "-s", "quit").ExitCode, Is.Zero);

        var back = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < back && !(State(EdgeName) == "running" && Inspect(EdgeName, "{{.RestartCount}}") == "1")) Thread.Sleep(200);
        Assert.That((State(EdgeName), Inspect(EdgeName, "{{.RestartCount}}")), Is.EqualTo(("running", "1")), "the edge came back by itself");
        using var client = new HealthPoller(_repo.HealthUrl);
        var answered = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < answered && client.LastStatus != 200) Thread.Sleep(100);
        Assert.That(DeploymentPipelineTests.Get(_repo.HealthUrl).Body, Does.Contain(_secondRelease.Split('_')[0]), "and forwards to the slot that served");
    }

    [Test, Order(5)]
    public void A_release_that_crashes_at_start_never_takes_traffic_and_the_run_fails()
    {
        using var crashing = _repo.CommitReleaseThatCrashesAtStart();

        using var client = new HealthPoller(_repo.HealthUrl);
        var run = _repo.Run("--target=deploy");
        var seen = client.Stop();

        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.Error, Does.Contain("crashed: it exited"), "how it crashed, without the exit code 0 of a container the engine restarted");
        Assert.That(run.Error, Does.Not.Contain("with code 0"));
        Assert.That(seen.Failed, Is.Zero, $"failed requests of {seen.Requests}: {string.Join(" | ", seen.Failures.Take(5))}");
        Assert.That(State(Slot("b")), Is.EqualTo("running"), "the release that served still serves");
        Assert.That(Inspect(Slot("b"), "{{index .Config.Labels \"io.qtsops.release\"}}"), Is.EqualTo(_secondRelease));
        Assert.That(State(Slot("a")), Is.Not.EqualTo("running"), "the crashing release is stopped");
    }

    [Test, Order(6)]
    public void A_release_that_is_healthy_but_fails_verification_never_takes_traffic()
    {
        var service = Path.Combine(_repo.Root, "src", "observer", "src", "qts_observer", "service.py");
        var good = File.ReadAllText(service);
        File.WriteAllText(service, good.Replace("    try:\n        os.makedirs(settings.data_dir, exist_ok=True)",
            "    log.error(\"a release that reports an error at start\")\n    try:\n        os.makedirs(settings.data_dir, exist_ok=True)"));
        _repo.Commit("a release that is healthy but logs an error");
        try
        {
            using var client = new HealthPoller(_repo.HealthUrl);
            var run = _repo.Run("--target=deploy");
            var seen = client.Stop();

            Assert.That(run.ExitCode, Is.Not.Zero);
            Assert.That(run.Error, Does.Contain("is healthy but failed verification before taking traffic").And.Contain("logs-clean"));
            Assert.That(seen.Failed, Is.Zero, $"failed requests of {seen.Requests}: {string.Join(" | ", seen.Failures.Take(5))}");
            Assert.That(Inspect(Slot("b"), "{{index .Config.Labels \"io.qtsops.release\"}}"), Is.EqualTo(_secondRelease), "the release that served still serves");
            Assert.That(State(Slot("a")), Is.Not.EqualTo("running"));
            // It answers 200 as well: only who answered tells whether it took traffic.
            var rejected = Inspect(Slot("a"), "{{index .Config.Labels \"io.qtsops.release\"}}");
            Assert.That(rejected, Is.Not.EqualTo(_secondRelease).And.Not.Empty, "the rejected release is the one left stopped in the other slot");
            Assert.That(seen.AnsweredBy.Keys, Is.EqualTo(new[] { _secondRelease }),
                $"every answer came from the release that served, none from {rejected}: {string.Join(", ", seen.AnsweredBy.Select(a => $"{a.Key} x{a.Value}"))}");
            Assert.That(DeploymentPipelineTests.Get(_repo.HealthUrl).Body, Does.Contain(_secondRelease.Split('_')[0]));
        }
        finally
        {
            File.WriteAllText(service, good);
            _repo.Commit("the good service again");
        }
    }

    [Test, Order(7)]
    public void A_rollback_on_demand_switches_back_to_the_previous_slot_and_no_request_fails()
    {
        using var client = new HealthPoller(_repo.HealthUrl);
        var run = _repo.Run("--target=rollback", $"--to={_firstRelease}");
        var seen = client.Stop();

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(seen.Failed, Is.Zero, $"failed requests of {seen.Requests}: {string.Join(" | ", seen.Failures.Take(5))}");
        Assert.That((State(Slot("a")), State(Slot("b"))), Is.EqualTo(("running", "exited")));
        Assert.That(Inspect(Slot("a"), "{{index .Config.Labels \"io.qtsops.release\"}}"), Is.EqualTo(_firstRelease));
    }

    [Test, Order(8)]
    public void A_client_holding_a_half_sent_request_on_the_edge_does_not_fail_a_switch()
    {
        _repo.Commit("a version to switch to beside a slow client");
        using var slow = new TcpClient();
        slow.Connect(IPAddress.Loopback, _repo.Port);
        // The request line and one header, never the end of the headers: nginx's old worker holds it open.
        var connection = slow.GetStream();
        connection.Write("GET /health HTTP/1.1\r\nHost: edge\r\n"u8);

        var run = _repo.Run("--target=deploy");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain($"The edge ({EdgeName}) forwards to {Slot("b")}; its previous workers finished their requests"));
        using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        Assert.That(TcpConnections.ClosedByPeer(connection, wait.Token).GetAwaiter().GetResult(), Is.True, "the edge ended the slow client's request");
    }

    [Test, Order(9)]
    public void A_new_port_moves_the_edge_there_and_the_next_deploy_on_it_has_nothing_to_do()
    {
        var port = RegistryServer.FreePort();

        var run = _repo.Run("--target=deploy", "--target=verify", $"--port={port}");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Entry("deploy").Outcome, Is.EqualTo(QtsOps.Host.TaskOutcome.Succeeded), "a changed port is a deploy to do, though the release runs");
        Assert.That(Inspect(EdgeName, "{{json .NetworkSettings.Ports}}"), Does.Contain($"\"HostPort\":\"{port}\"").And.Not.Contain($"\"HostPort\":\"{_repo.Port}\""));
        Assert.That(DeploymentPipelineTests.Get($"http://127.0.0.1:{port}/health").Status, Is.EqualTo(200));
        Assert.That(() => DeploymentPipelineTests.Get(_repo.HealthUrl), Throws.InstanceOf<AggregateException>(), "nothing answers on the old port");
        using (var deployed = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "deploy.json"))))
            Assert.That(deployed.RootElement.GetProperty("cost").GetProperty("stateReads").GetInt32(), Is.EqualTo(1),
                "a deploy that is not forced reads the environment once: its check reads it under the lock that the deploy then keeps");

        var again = _repo.Run("--target=deploy", $"--port={port}");

        Assert.That(again.Entry("deploy").Outcome, Is.EqualTo(QtsOps.Host.TaskOutcome.Skipped), again.Output + again.Error);
        // One read of the host (one script) and one inspect of the environment's containers, then the image's id: docker info was asked by the preflight, on the run's one engine.
        Assert.That(again.Output, Does.Contain("The deploy's check read the environment 1 time(s); 2 engine call(s), 1 host script(s), 0 ssh session(s) on 0 ssh connection(s)"),
            "the skip is decided on one read of the environment");
        Assert.That(again.Entry("image").Outcome, Is.EqualTo(QtsOps.Host.TaskOutcome.Skipped), "an image that was not built is Skipped, not Succeeded");
        Assert.That(again.Entry("image").Note, Does.Contain("of the same inputs exists"));
    }

    [Test, Order(10)]
    public void Recreate_moves_the_environment_back_to_one_container()
    {
        var run = _repo.Run("--target=deploy", "--strategy=recreate", "--force-deploy");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output + run.Error, Does.Contain("Moving local to one container (recreate)"));
        Assert.That((State(_repo.Container), State(Slot("a")), State(Slot("b")), State(EdgeName)), Is.EqualTo(("running", (string?)null, (string?)null, (string?)null)));
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "deploy.json")));
        var cost = report.RootElement.GetProperty("cost");
        Assert.That(cost.GetProperty("stateReads").GetInt32(), Is.EqualTo(1), "a forced deploy reads the environment once, under its lock, and acts on that record");
        Assert.That(cost.GetProperty("hostScripts").GetInt32(), Is.Positive, "the host steps on this machine are scripts too, and counted");
        Assert.That(DeploymentPipelineTests.Get(_repo.HealthUrl).Status, Is.EqualTo(200));
    }

    [Test, Order(11)]
    public void Down_removes_the_containers_of_either_layout_keeps_data_releases_and_history_and_a_deploy_brings_it_back()
    {
        var releases = Directory.GetDirectories(Path.Combine(_repo.DeployDirectory, "releases")).Order().ToList();
        var down = _repo.Run("--target=down");

        Assert.That(down.ExitCode, Is.Zero, down.Output + down.Error);
        Assert.That(State(_repo.Container), Is.Null, "one container (recreate) removed");
        Assert.That(_repo.Run("--target=deploy").ExitCode, Is.Zero, "start-first again: the edge and a slot");
        Assert.That(State(EdgeName), Is.EqualTo("running"));

        down = _repo.Run("--target=down");

        Assert.That(down.ExitCode, Is.Zero, down.Output + down.Error);
        Assert.That(down.Output, Does.Contain($"'local' is down: removed {_repo.Container}-edge"));
        Assert.That(new[] { _repo.Container, EdgeName, Slot("a"), Slot("b") }.Select(State), Is.All.Null, "every container of either layout is gone");
        Assert.That(Directory.EnumerateFiles(_repo.DataDirectory, "observations-*.jsonl"), Is.Not.Empty, "the data stays");
        Assert.That(Directory.GetDirectories(Path.Combine(_repo.DeployDirectory, "releases")), Is.SupersetOf(releases), "the releases stay");
        var history = Support.HistoryFile.Entries(Path.Combine(_repo.StateDirectory, "history", "local.jsonl"));
        Assert.That((history[^1].Action, history[^1].Result), Is.EqualTo((HistoryAction.Down, HistoryResult.Succeeded)));
        var verify = _repo.Run("--target=verify");
        Assert.That(verify.ExitCode, Is.EqualTo(1));
        Assert.That(verify.Error, Does.Contain("Nothing runs on 'local': it was taken down at").And.Contain("--target=deploy"));
        Assert.That(ObserverRepository.Docker("ps", "--all", "--quiet", "--filter", $"name={_repo.Container}").Output.NonBlank(), Is.Empty, "verify started nothing");

        var back = _repo.Run("--target=deploy", "--target=verify");

        Assert.That(back.ExitCode, Is.Zero, back.Output + back.Error);
        Assert.That(DeploymentPipelineTests.Get(_repo.HealthUrl).Status, Is.EqualTo(200));
    }

    [Test, Order(12)]
    public void Releases_lists_what_to_and_backup_can_name()
    {
        var run = _repo.Run("--target=releases");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var current = Path.GetFileName(new FileInfo(Path.Combine(_repo.DeployDirectory, "current")).LinkTarget)!;
        Assert.That(run.Output, Does.Match($@"\| {System.Text.RegularExpressions.Regex.Escape(current)} \| [^|]+ \| [^|]+ \| yes, [^|]+ \| current \|"));
        Assert.That(run.Output, Does.Contain($"| {_firstRelease} |"));
        var backup = Directory.GetFiles(Path.Combine(_repo.StateDirectory, "backups", "local"), "data-*.tar.gz").Order().Last();
        var sha256 = File.ReadAllText(backup + ".sha256").Split(' ')[0];
        Assert.That(run.Output, Does.Contain($"| {Path.GetFileName(backup)} | ").And.Contain($" | {sha256} |"));
    }

    [Test, Order(13), System.Runtime.Versioning.SupportedOSPlatform("linux")] // the fixture is Linux's: the engine runs there
    public void A_data_directory_the_service_cannot_write_is_named_as_the_cause_and_the_release_that_served_stays()
    {
        var mode = File.GetUnixFileMode(_repo.DataDirectory);
        File.SetUnixFileMode(_repo.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        try
        {
            var run = _repo.Run("--target=deploy", "--force-deploy");

            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.Error, Does.Contain("its /health says data directory").And.Contain("is not writable"), "the cause, not only 'unhealthy'");
            Assert.That(run.Output + run.Error, Does.Contain("still serves in").And.Not.Contain("Rolling back"), "a failed force-deploy switches to no older release");
        }
        finally
        {
            File.SetUnixFileMode(_repo.DataDirectory, mode);
        }
    }

    private static string? State(string container) =>
        ObserverRepository.Docker("inspect", "-f", "{{.State.Status}}", container) is { ExitCode: 0 } found ? found.Output.Single().Trim() : null;

    private static string Inspect(string container, string format) => string.Join("\n", ObserverRepository.Docker("inspect", "-f", format, container).Output).Trim();

    /// <summary>
    /// A client asking /health about 20 times a second (or every <c>interval</c>) until stopped; a request fails when it gets no 200 within 2 s (or <c>timeout</c>).
    /// Each 200 is counted by the release that answered (the observer's body names its version; the release is that version as a Docker tag).
    /// </summary>
    internal sealed class HealthPoller : IDisposable
    {
        private readonly HttpClient _http;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _failures = [];
        private readonly Dictionary<string, int> _answeredBy = [];
        private readonly Task _loop;
        private int _requests;

        /// <summary>The status of the last request that was answered, else null.</summary>
        public int? LastStatus { get; private set; }

        public HealthPoller(string url, TimeSpan? interval = null, TimeSpan? timeout = null)
        {
            _http = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(2) };
            _loop = Poll(url, interval ?? TimeSpan.FromMilliseconds(50));
        }

        private Task Poll(string url, TimeSpan interval) => Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                _requests++;
                try
                {
                    using var response = await _http.GetAsync(url);
                    LastStatus = (int)response.StatusCode;
                    if ((int)response.StatusCode != 200) _failures.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {(int)response.StatusCode}");
                    else
                    {
                        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                        var release = body.RootElement.GetProperty("version").GetString()!.Replace('+', '_');
                        _answeredBy[release] = _answeredBy.GetValueOrDefault(release) + 1;
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    _failures.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {exception.Message}");
                }
                await Task.Delay(interval);
            }
        });

        /// <returns>The requests, the failed ones, and how many 200s each release answered.</returns>
        public (int Requests, int Failed, IReadOnlyList<string> Failures, IReadOnlyDictionary<string, int> AnsweredBy) Stop()
        {
            _stop.Cancel();
            _loop.Wait();
            return (_requests, _failures.Count, _failures, _answeredBy);
        }

        public void Dispose()
        {
            if (!_stop.IsCancellationRequested) Stop();
            _http.Dispose();
            _stop.Dispose();
        }
    }
}
