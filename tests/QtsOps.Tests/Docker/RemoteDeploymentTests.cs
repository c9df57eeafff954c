using System.Text.Json;
using System.Text.Json.Nodes;
using QtsOps.Build.Registry;
using QtsOps.Build.Deployment;
using QtsOps.Host;
using QtsOps.Tests.Host;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Docker;

/// <summary>
/// deploy, verify, rollback and status of 'staging' on an ssh:// Docker host (<see cref="SshTestHost"/>),
/// the image pulled from a real registry by digest. Everything of the environment is on the host:
/// files made there belong to the host's ssh user, not to this process, and the checkout keeps no
/// release, history or lock of it. The tests run in order, each from the state the one before left.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class RemoteDeploymentTests
{
    private SshStagingCheckout _staging = null!;
    private string _firstRelease = "";

    private string DeployDirectory => _staging.Host.DeployRoot + "/deploy";
    private string HistoryFile => DeployDirectory + "/.qtsops/history/staging.jsonl";

    [OneTimeSetUp]
    public void StartRegistryHostAndScratchRepository() => _staging = new SshStagingCheckout();

    [OneTimeTearDown]
    public void RemoveEverything() => _staging?.Dispose();

    private HostRun Run(params string[] targets) => Run(Variables(), targets);

    private HostRun Run(Dictionary<string, string?> variables, params string[] targets) => _staging.Run(variables, Arguments(targets));

    private static string[] Arguments(string[] targets) => [.. targets.Select(target => target.StartsWith("--") ? target : $"--target={target}"), "--env=staging"];

    private Dictionary<string, string?> Variables(bool login = true, string? knownHosts = null) => _staging.Variables(login, knownHosts);

    private string LockFile => DeployDirectory + $"/.qtsops/locks/{_staging.Repo.Container}.lock";

    private SshDeploymentHost Host(SshTransport transport) => new(() => transport.Client, _staging.Host.DockerHost, DeployDirectory, "environments.json");

    [Test, Order(1)]
    public void Deploy_and_verify_run_the_release_on_the_host_from_the_pushed_digest_with_every_file_there()
    {
        var loginsBefore = _staging.Host.Logins();

        HostRun run;
        int infos;
        using (var calls = new DockerCallLog())
        {
            run = Run("push", "deploy", "verify");
            infos = calls.Count("info");
        }

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var history = History();
        Assert.That(history.Select(e => (e.Action, e.Result)), Is.EqualTo(new[] { (HistoryAction.Deploy, HistoryResult.Succeeded), (HistoryAction.Verify, HistoryResult.Succeeded) }));
        _firstRelease = history[0].Release;
        Assert.That(run.Output, Does.Contain($"pulled {_staging.Registry.Address}/{_staging.Repo.ImageRepository}@sha256:"));
        var (status, body) = DeploymentPipelineTests.Get(_staging.Repo.HealthUrl);
        Assert.That(status, Is.EqualTo(200));
        Assert.That(body, Does.Contain(history[0].Version));
        // Made over ssh by the host's user, not written here through the shared folder.
        var hostUser = int.Parse(Command.Run("docker", "exec", _staging.Host.Container, "id", "-u", SshTestHost.User).EnsureSuccess("id").Output[0]);
        foreach (var made in new[] { $"{DeployDirectory}/releases/{_firstRelease}", $"{DeployDirectory}/current", HistoryFile, $"{DeployDirectory}/config" })
            Assert.That(OwnerOf(made), Is.EqualTo(hostUser), made);
        Assert.That(new FileInfo($"{DeployDirectory}/current").LinkTarget, Is.EqualTo($"releases/{_firstRelease}"));
        Assert.That(Path.Combine(_staging.Repo.StateDirectory, "history"), Does.Not.Exist);
        Assert.That(Path.Combine(_staging.Repo.StateDirectory, "deploy", "staging"), Does.Not.Exist);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_staging.Repo.Root, "artifacts", "reports", "verify.json")));
        var health = report.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "health-endpoint");
        Assert.That(health.GetProperty("evidence").GetString(), Does.Contain($"inside {_staging.Repo.Container} on {SshTestHost.User}@127.0.0.1"));
        Assert.That(_staging.Host.Logins() - loginsBefore, Is.EqualTo(1), "the host's engine calls, scripts and lock share the run's one connection");
        using var deploy = JsonDocument.Parse(File.ReadAllText(Path.Combine(_staging.Repo.Root, "artifacts", "reports", "deploy.json")));
        var cost = deploy.RootElement.GetProperty("cost");
        Assert.That(cost.GetProperty("sshConnections").GetInt32(), Is.EqualTo(_staging.Host.Logins() - loginsBefore), "the report's connections are the logins sshd saw");
        Assert.That(cost.GetProperty("sshSessions").GetInt32(), Is.GreaterThan(1), "its engine calls and scripts are sessions on that connection");
        Assert.That(run.Output, Does.Match(@"The deploy read the environment \d+ time\(s\); \d+ engine call\(s\), \d+ host script\(s\), \d+ ssh session\(s\) on 1 ssh connection\(s\)"));
        Assert.That(infos, Is.EqualTo(3), "docker info once for the host's engine (preflight, deploy, verify), once for this machine's (image, push), and build/setup.sh's look at this machine's");
        // Each a round trip to the host, until the report: the state, which says which shared folders exist (1; were 1 more, 4 before); the
        // release installed (1, were 5); the data and log folders made (2); the config shipped with the release copied (1; seen in the package it
        // was installed from, was looked for on the host: 1 more); current pointed at it (1, were 2); its compose files read (none, were 2: compose
        // reads them in the package the release was copied from); the edge's folder removed (recreate: 1); the history (1). No data yet, so no backup.
        Assert.That(cost.GetProperty("hostScripts").GetInt32(), Is.EqualTo(8), run.Output);
        // The state after the deploy, the release's settings, the history.
        Assert.That(run.Output, Does.Match(@"The verify read the environment 1 time\(s\); \d+ engine call\(s\), 3 host script\(s\), \d+ ssh session\(s\) on 1 ssh connection\(s\)"));
    }

    [Test, Order(2)]
    public void Status_shows_what_runs_on_the_host_and_its_history()
    {
        var run = Run("status");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var deployed = History()[0];
        Assert.That(run.Output, Does.Contain($"'staging': {_firstRelease} ({deployed.Version}) is running, healthy in {_staging.Repo.Container} since "));
        using (var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_staging.Repo.Root, "artifacts", "reports", "status.json"))))
        {
            // What the host's engine and lock say, not only what the history (which names the release too) supplies.
            var status = report.RootElement;
            var container = status.GetProperty("container");
            Assert.That((container.GetProperty("name").GetString(), container.GetProperty("state").GetString(), container.GetProperty("isOurs").GetBoolean()),
                Is.EqualTo((_staging.Repo.Container, "running", true)));
            var owner = container.GetProperty("owner");
            Assert.That((owner.GetProperty("environment").GetString(), owner.GetProperty("deployment").GetString(), owner.GetProperty("release").GetString(), owner.GetProperty("version").GetString()),
                Is.EqualTo(("staging", DeployDirectory, _firstRelease, deployed.Version)), "whose the container is and what it runs, from its labels on the host");
            Assert.That(status.GetProperty("currentRelease").GetString(), Is.EqualTo(_firstRelease));
            Assert.That(status.GetProperty("lock").GetProperty("held").GetBoolean(), Is.False);
            Assert.That(status.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()), Is.EqualTo(new[] { "deploy", "verify" }));
        }

        using var transport = Transport();
        var holder = new LockOwner(4242, "another-checkout", "someone", DateTimeOffset.UtcNow, "deploy 9.9.9");
        using (Host(transport).AcquireLock(LockFile, "staging", holder, warning => Assert.Fail(warning)))
        {
            var locked = Run("status");
            Assert.That(locked.ExitCode, Is.Zero, locked.Output + locked.Error);
            Assert.That(locked.Output, Does.Contain("| deploy lock | held by pid 4242 on another-checkout (user someone, deploy 9.9.9"), "the host's lock, as it is now");
        }
    }

    [Test, Order(3)]
    public void A_deploy_while_another_holds_the_hosts_lock_is_refused_naming_the_holder()
    {
        using var transport = Transport();
        var host = Host(transport);
        var other = new LockOwner(4242, "another-checkout", "someone", DateTimeOffset.UtcNow, "deploy 9.9.9");
        var before = File.ReadAllText(HistoryFile);
        using (host.AcquireLock(LockFile, "staging", other, warning => Assert.Fail(warning)))
        {
            // Forced: the release runs already, and a deploy with nothing to do takes no lock.
            var run = Run("deploy", "--force-deploy");

            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.Error, Does.Contain("Another deploy to 'staging' is running").And.Contain("another-checkout").And.Contain("deploy 9.9.9"));
            Assert.That(File.ReadAllText(HistoryFile), Is.EqualTo(before));
            Assert.That(host.InspectLock(LockFile), Is.EqualTo(new LockState(true, other)));
        }
        Assert.That(host.InspectLock(LockFile), Is.EqualTo(new LockState(false, null)));
    }

    [Test, Order(4)]
    public void A_release_that_crashes_on_the_host_is_rolled_back_there_and_no_record_is_lost()
    {
        using var crashing = _staging.Repo.CommitReleaseThatCrashesAtStart();
        var recordsBefore = Records();

        var run = Run("push", "deploy", "verify");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("crashed").And.Contain($"rolled back to {_firstRelease}, which is healthy and verified"));
        Assert.That(DeploymentPipelineTests.Get(_staging.Repo.HealthUrl).Status, Is.EqualTo(200));
        Assert.That(new FileInfo($"{DeployDirectory}/current").LinkTarget, Is.EqualTo($"releases/{_firstRelease}"));
        var recordsAfter = Records();
        Assert.That(recordsBefore, Is.Not.Empty);
        foreach (var (file, content) in recordsBefore)
            Assert.That(recordsAfter[file], Does.StartWith(content), $"{file} lost records");
        Assert.That(History().TakeLast(3).Select(e => (e.Action, e.Result)), Is.EqualTo(new[]
        {
            (HistoryAction.Deploy, HistoryResult.Failed), (HistoryAction.Rollback, HistoryResult.Succeeded), (HistoryAction.Verify, HistoryResult.Succeeded),
        }));
        var backups = Directory.EnumerateFiles(_staging.Host.DeployRoot + "/backups", "*.tar.gz").ToList();
        Assert.That(backups, Is.Not.Empty);
        Assert.That(backups.Select(b => File.GetUnixFileMode(b)), Has.All.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test, Order(5)]
    public void A_host_key_that_is_not_the_pinned_one_stops_the_run_in_its_preflight_before_anything_is_built_pushed_or_applied()
    {
        _staging.Repo.Commit("a change that never ships");
        var otherKey = File.ReadAllText(_staging.Host.GenerateKey($"other-{Guid.NewGuid():N}") + ".pub").Split(' ');
        var historyBefore = File.ReadAllText(HistoryFile);
        var timer = System.Diagnostics.Stopwatch.StartNew();

        var run = Run(Variables(knownHosts: $"[127.0.0.1]:{_staging.Host.Port} {otherKey[0]} {otherKey[1]}"), "image", "push", "terraform-plan", "apply", "deploy", "verify");

        TestContext.Out.WriteLine($"refused after {timer.Elapsed.TotalSeconds:0.0} s");
        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain($"The ssh host key of 127.0.0.1:{_staging.Host.Port}").And.Contain("REMOTE HOST IDENTIFICATION HAS CHANGED"));
        Assert.That(run.Summary.Entries.Where(e => e.Outcome is TaskOutcome.Succeeded or TaskOutcome.Failed or TaskOutcome.Skipped), Is.Empty, "no task ran");
        var tag = VersionTagOf(run);
        Assert.That(Command.Run("docker", "image", "inspect", $"{_staging.Repo.ImageRepository}:{tag}").ExitCode, Is.Not.Zero, "no image was built");
        Assert.That(Manifests().Digest(_staging.Repo.ImageRepository, tag), Is.Null, "nothing was pushed");
        Assert.That(Path.Combine(_staging.Repo.Root, "artifacts", "terraform", "staging"), Does.Not.Exist, "nothing was planned or applied");
        Assert.That(File.ReadAllText(HistoryFile), Is.EqualTo(historyBefore));
        Assert.That(File.ReadAllText(Path.Combine(_staging.Repo.Root, "artifacts", "reports", "deploy.md")), Does.Contain("failed").And.Contain("host key"));
    }

    [Test, Order(6)]
    public void A_run_that_cannot_deploy_is_told_every_problem_its_preflight_finds_and_nothing_is_pushed()
    {
        // A backup folder the host's user cannot create, no registry login, and the lock held by another run.
        var file = EnvironmentsFileWith("unwritable-backups.json", staging => staging["backupDirectory"] = "/var/lib/qtsops-backups");
        using var transport = Transport();
        var other = new LockOwner(4343, "ci-runner", "runner", DateTimeOffset.UtcNow, "deploy 9.9.10", "https://github.com/example/qtsops/actions/runs/1");

        HostRun run;
        using (Host(transport).AcquireLock(LockFile, "staging", other, warning => Assert.Fail(warning)))
            run = Run(Variables(login: false), "push", "deploy", $"--environments={file}");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("Preflight of 'staging'").And.Contain("nothing was built, pushed or applied"));
        Assert.That(run.Error, Does.Contain("Another deploy to 'staging' is running").And.Contain("https://github.com/example/qtsops/actions/runs/1"));
        Assert.That(run.Error, Does.Contain($"{SshTestHost.User}@127.0.0.1:{_staging.Host.Port}:/var/lib/qtsops-backups cannot be created or written"));
        Assert.That(run.Error, Does.Contain($"the registry {_staging.Registry.Address} asks for a login and QTSOPS_REGISTRY_USERNAME is not set"));
        Assert.That(Manifests().Digest(_staging.Repo.ImageRepository, VersionTagOf(run)), Is.Null, "nothing was pushed");
    }

    [Test, Order(7)]
    public void A_deploy_killed_with_SIGKILL_leaves_the_hosts_lock_free_and_the_next_deploy_says_who_held_it()
    {
        using var transport = Transport();
        var host = Host(transport);
        using var pipeline = StartHoldingTheLock(host, ["push", "deploy"], new System.Text.StringBuilder());

        pipeline.Kill(); // SIGKILL: no handler runs, the ssh session's standard input just ends.
        pipeline.WaitForExit();

        var freed = DateTime.UtcNow.AddSeconds(30);
        while (host.InspectLock(LockFile).Held && DateTime.UtcNow < freed) Thread.Sleep(100);
        var state = host.InspectLock(LockFile);
        Assert.That(state.Held, Is.False, "the host let go of the lock when the killed run's session ended");
        Assert.That(state.Owner?.Pid, Is.EqualTo(pipeline.Id), "the owner file still names the killed run");

        var next = Run("deploy");

        Assert.That(next.ExitCode, Is.Zero, next.Output + next.Error);
        Assert.That(next.Output + next.Error, Does.Contain($"pid {pipeline.Id}").And.Contain("ended without releasing"));
        Assert.That(host.InspectLock(LockFile), Is.EqualTo(new LockState(false, null)));
    }

    [Test, Order(8)]
    public void Without_a_registry_the_image_goes_to_the_host_over_ssh_and_runs_there()
    {
        _staging.Repo.Commit("a release for a host without a registry");
        var file = EnvironmentsFileWith("no-registry.json", staging => staging["registry"] = null);

        var run = Run("deploy", "verify", $"--environments={file}");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain($"to {SshTestHost.User}@127.0.0.1:{_staging.Host.Port} (docker save | docker load)"));
        var deployed = History().Last(e => e.Action == HistoryAction.Deploy);
        Assert.That(deployed.Result, Is.EqualTo(HistoryResult.Succeeded));
        Assert.That(Manifests().Digest(_staging.Repo.ImageRepository, deployed.Release), Is.Null, "nothing went through the registry");
        Assert.That(DeploymentPipelineTests.Get(_staging.Repo.HealthUrl).Body, Does.Contain(deployed.Version));
    }

    [Test, Order(9)]
    public void Start_first_on_the_host_runs_the_edge_there_and_an_upgrade_loses_no_request()
    {
        _staging.Repo.Commit("start-first on the host");
        var first = Run("push", "deploy", "verify", "--strategy=start-first");

        Assert.That(first.ExitCode, Is.Zero, first.Output + first.Error);
        Assert.That(Command.Run("docker", "inspect", "-f", "{{.State.Status}}", $"{_staging.Repo.Container}-edge").Output.Single(), Is.EqualTo("running"));
        var active = new FileInfo($"{DeployDirectory}/edge/active.conf").LinkTarget;
        Assert.That(active, Does.Match("^conf/slot-[ab].conf$"));
        _staging.Repo.Commit("an upgrade on the host");

        using var client = new StartFirstDeploymentTests.HealthPoller(_staging.Repo.HealthUrl);
        var upgrade = Run("push", "deploy", "verify", "--strategy=start-first");
        var seen = client.Stop();

        Assert.That(upgrade.ExitCode, Is.Zero, upgrade.Output + upgrade.Error);
        Assert.That(seen.Failed, Is.Zero, $"failed requests of {seen.Requests}: {string.Join(" | ", seen.Failures.Take(5))}");
        Assert.That(new FileInfo($"{DeployDirectory}/edge/active.conf").LinkTarget, Is.Not.EqualTo(active).And.Match("^conf/slot-[ab].conf$"), "the edge switched slots");
        var deployed = History().Last(e => e.Action == HistoryAction.Deploy);
        Assert.That(DeploymentPipelineTests.Get(_staging.Repo.HealthUrl).Body, Does.Contain(deployed.Version));
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_staging.Repo.Root, "artifacts", "reports", "verify-before-traffic.json")));
        var health = report.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "health-endpoint");
        Assert.That(health.GetProperty("evidence").GetString(), Does.Contain($"inside {_staging.Repo.Container}-"), "the slot was asked inside, before it served");
    }

    [Test, Order(10)]
    public void A_tag_moved_after_push_is_not_deployed_the_host_pulls_the_digest_push_confirmed()
    {
        _staging.Repo.Commit("a release whose tag is moved between push and deploy");
        MoveVersionTagProbeTask.Registry = (_staging.Registry.Address, _staging.Repo.ImageRepository, SshStagingCheckout.RegistryUser, _staging.RegistryPassword);
        HostRun run;
        using (var scope = new EnvironmentVariableScope())
        {
            foreach (var (name, value) in Variables()) scope.Set(name, value);
            // start-first, as the test before left the host.
            run = QtsOps.Tests.Host.InProcessPipeline.Run(_staging.Repo.Root, Arguments(["push", "move-version-tag-probe", "deploy", "--strategy=start-first"]), typeof(MoveVersionTagProbeTask));
        }

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_staging.Repo.Root, "artifacts", "reports", "push.json")));
        var pushed = report.RootElement.GetProperty("digest").GetString()!;
        var moved = Manifests().Digest(_staging.Repo.ImageRepository, VersionTagOf(run));
        Assert.That(moved, Is.Not.Null.And.Not.EqualTo(pushed), "the probe moved the version tag after push");
        Assert.That(run.Output, Does.Contain($"pulled {_staging.Registry.Address}/{_staging.Repo.ImageRepository}@{pushed} "));
        Assert.That(run.Output + run.Error, Does.Contain($"names {moved} on {_staging.Registry.Address} now, not the {pushed} this run pushed"));
        Assert.That(run.Output, Does.Not.Contain($"@{moved}"));
    }

    [Test, Order(11)]
    public void Prod_pointed_at_stagings_host_and_deploy_directory_shares_its_lock_and_is_refused_stagings_containers()
    {
        // 'prod' pointed at the host, deploy directory and container staging deployed to (unprotected here: the lock and the labels must refuse it on their own).
        var file = EnvironmentsFileWith("prod-on-stagings-host.json", _ => { });
        var environments = JsonNode.Parse(File.ReadAllText(file))!;
        environments["prod"] = environments["staging"]!.DeepClone();
        environments["prod"]!["protected"] = false;
        File.WriteAllText(file, environments.ToJsonString());
        var historyBefore = File.ReadAllText(HistoryFile);
        HostRun DeployProd()
        {
            using var scope = new EnvironmentVariableScope();
            foreach (var (name, value) in Variables()) scope.Set(name, value);
            return _staging.Repo.Run(["--target=deploy", "--force-deploy", "--strategy=start-first", "--env=prod", $"--environments={file}"]);
        }
        using var transport = Transport();
        var holder = new LockOwner(4444, "staging-checkout", "someone", DateTimeOffset.UtcNow, "deploy 9.9.11");

        HostRun whileLocked;
        using (Host(transport).AcquireLock(LockFile, "staging", holder, warning => Assert.Fail(warning)))
            whileLocked = DeployProd();
        var unlocked = DeployProd();

        Assert.That(whileLocked.ExitCode, Is.EqualTo(1));
        Assert.That(whileLocked.Error, Does.Contain("Another deploy to 'prod' is running").And.Contain("staging-checkout"), "one lock for one container, whatever the environment's name");
        Assert.That(unlocked.ExitCode, Is.EqualTo(1));
        Assert.That(unlocked.Error, Does.Contain("(environment staging").And.Contain(" for 'prod')").And.Contain("nothing was changed"));
        Assert.That(File.ReadAllText(HistoryFile), Is.EqualTo(historyBefore));
        Assert.That(DeployDirectory + "/.qtsops/history/prod.jsonl", Does.Not.Exist);
        Assert.That(DeploymentPipelineTests.Get(_staging.Repo.HealthUrl).Body, Does.Contain(History().Last(e => e.Action == HistoryAction.Deploy).Version));
    }

    [Test, Order(12)]
    public void A_deploy_whose_lock_connection_is_killed_mid_run_stops_and_says_the_lock_was_lost()
    {
        using var transport = Transport();
        var host = Host(transport);
        _staging.Repo.Commit("a release whose deploy loses the host's lock");
        var said = new System.Text.StringBuilder();
        using var pipeline = StartHoldingTheLock(host, ["push", "deploy", "--strategy=start-first"], said);
        var connection = LockConnectionOf(pipeline.Id);
        // A session of its own: the terminal's Ctrl-C, sent to the pipeline's process group, does not end the lock.
        Assert.That(SessionOf(connection), Is.EqualTo(connection).And.Not.EqualTo(SessionOf(pipeline.Id)));

        System.Diagnostics.Process.GetProcessById(connection).Kill(); // the connection dropped
        Assert.That(pipeline.WaitForExit(TimeSpan.FromMinutes(5)), Is.True, "the deploy did not end");
        pipeline.WaitForExit();

        Assert.That(pipeline.ExitCode, Is.EqualTo(1), said.ToString());
        Assert.That(said.ToString(), Does.Contain($"The deploy lock {SshTestHost.User}@127.0.0.1:{_staging.Host.Port}:{LockFile} was lost").And.Contain("stopped before its next step"));
        Assert.That(host.InspectLock(LockFile).Held, Is.False);
    }

    [Test, Order(13)]
    public void Restore_on_the_host_puts_the_newest_backup_in_place_there_keeps_the_data_before_and_verifies()
    {
        var data = DeployDirectory + "/data";
        File.WriteAllText(Path.Combine(data, "after-the-backup.txt"), "kept aside\n");
        using var transport = Transport();
        var backup = Path.GetFileName(Host(transport).Backups(_staging.Host.DeployRoot + "/backups")[0]);

        var run = Run("restore");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain($"{backup} restored on 'staging'"));
        Assert.That(File.Exists(Path.Combine(data, "after-the-backup.txt")), Is.False);
        var aside = Directory.GetDirectories(DeployDirectory, "data.before-restore-*").Single();
        Assert.That(File.ReadAllText(Path.Combine(aside, "after-the-backup.txt")), Is.EqualTo("kept aside\n"), "the data before is kept, on the host");
        Assert.That(History().TakeLast(2).Select(e => (e.Action, e.Result)), Is.EqualTo(new[] { (HistoryAction.Restore, HistoryResult.Succeeded), (HistoryAction.Verify, HistoryResult.Succeeded) }));
    }

    /// <summary>
    /// The pipeline as ./build.sh runs it, in its own process (so that it can be killed), returned once it
    /// holds the host's deploy lock; what it prints is gathered in <paramref name="said"/>.
    /// </summary>
    private System.Diagnostics.Process StartHoldingTheLock(SshDeploymentHost host, string[] targets, System.Text.StringBuilder said)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "QtsOps.Build"))
        {
            WorkingDirectory = _staging.Repo.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in Arguments(targets)) start.ArgumentList.Add(argument);
        foreach (var (name, value) in Variables()) start.Environment[name] = value;
        var pipeline = System.Diagnostics.Process.Start(start)!;
        pipeline.OutputDataReceived += (_, line) => { lock (said) said.AppendLine(line.Data); };
        pipeline.ErrorDataReceived += (_, line) => { lock (said) said.AppendLine(line.Data); };
        pipeline.BeginOutputReadLine();
        pipeline.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (host.InspectLock(LockFile) is not { Held: true, Owner.Pid: var holder } || holder != pipeline.Id)
        {
            Assert.That(pipeline.HasExited, Is.False, $"the deploy ended before it took the lock: {said}");
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the deploy never took the host's lock");
            Thread.Sleep(50);
        }
        return pipeline;
    }

    /// <summary>The ssh client of <paramref name="pipeline"/>'s held deploy lock: its child that runs the lock script.</summary>
    private int LockConnectionOf(int pipeline) => Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).OfType<string>()
        .Select(name => int.TryParse(name, out var pid) ? pid : 0).Where(pid => pid > 0)
        .Single(pid => ParentOf(pid) == pipeline && ReadOrEmpty($"/proc/{pid}/cmdline").Contains("read -r word") && ReadOrEmpty($"/proc/{pid}/cmdline").Contains(LockFile));

    private static int ParentOf(int pid) => StatField(pid, 1);

    private static int SessionOf(int pid) => StatField(pid, 3);

    /// <summary>A field of /proc/PID/stat after the command name: 0 state, 1 ppid, 2 pgrp, 3 session.</summary>
    private static int StatField(int pid, int field)
    {
        var stat = ReadOrEmpty($"/proc/{pid}/stat");
        return stat.Length == 0 ? -1 : int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[field]);
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>A copy of the checkout's environments file with 'staging' changed, for --environments.</summary>
    private string EnvironmentsFileWith(string name, Action<JsonNode> change)
    {
        var environments = JsonNode.Parse(File.ReadAllText(Path.Combine(_staging.Repo.Root, "environments.json")))!;
        change(environments["staging"]!);
        var file = Path.Combine(_staging.Repo.Root, "artifacts", name);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, environments.ToJsonString());
        return file;
    }

    private SshTransport Transport() => new(null, _staging.Host.KeyFile, _staging.Host.KnownHosts, Environment.GetEnvironmentVariable("PATH"));

    private RegistryManifests Manifests() => new(_staging.Registry.Address, tls: false, SshStagingCheckout.RegistryUser, _staging.RegistryPassword);

    /// <summary>The run's version in Docker tag form, from its first line ("QtsOps 1.2.4-alpha.0.1 (...)").</summary>
    private static string VersionTagOf(HostRun run)
    {
        var version = System.Text.RegularExpressions.Regex.Match(run.Output, @"QtsOps (\S+) \(");
        Assert.That(version.Success, Is.True, run.Output);
        return version.Groups[1].Value.Replace('+', '_');
    }

    private List<HistoryEntry> History() => Support.HistoryFile.Entries(HistoryFile);

    private Dictionary<string, string> Records() =>
        Directory.EnumerateFiles(DeployDirectory + "/data", "observations-*.jsonl").ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    private static int OwnerOf(string path) =>
        int.Parse(Command.Run("stat", "-c", "%u", path).EnsureSuccess("stat").Output[0]);
}

/// <summary>
/// Between push and deploy, points the version tag at another manifest (the pushed one with a newline
/// added: another digest), as anyone with write access to the registry could.
/// </summary>
[TaskName("move-version-tag-probe")]
public sealed class MoveVersionTagProbeTask : FrostingTask<QtsOps.Build.BuildContext>
{
    public static (string Address, string Repository, string User, string Password) Registry { get; set; }

    public override void Run(QtsOps.Build.BuildContext context)
    {
        var (address, repository, user, password) = Registry;
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));
        var url = $"http://{address}/v2/{repository}/manifests/{context.Checkout.VersionTag}";
        using var get = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var type in new[] { "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json",
                     "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json" })
            get.Headers.Accept.ParseAdd(type);
        using var manifest = http.Send(get).EnsureSuccessStatusCode();
        var body = manifest.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        using var content = new ByteArrayContent([.. body, (byte)'\n']);
        content.Headers.ContentType = manifest.Content.Headers.ContentType;
        http.PutAsync(url, content).GetAwaiter().GetResult().EnsureSuccessStatusCode();
    }
}
