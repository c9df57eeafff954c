using System.Diagnostics;
using System.Net;
using System.Text.Json;
using QtsOps.Build;
using QtsOps.Build.Registry;
using QtsOps.Build.Deployment;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The image, deploy, verify, rollback and push targets against the real Docker engine and a real
/// registry. One scratch repository, one base image (cached by its recipe) and one built image are
/// shared; the tests run in order, each starting from the state the one before left.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable]
public class DeploymentPipelineTests
{
    private const string RegistryUser = "qtsops";
    private static readonly string RegistryPassword = Guid.NewGuid().ToString("N"); // made per run: no secret in the repository
    private RegistryServer _registry = null!;
    private ObserverRepository _repo = null!;
    private string _firstVersion = "";
    private string _firstRelease = "";

    [OneTimeSetUp]
    public void StartRegistryAndScratchRepository()
    {
        _registry = new RegistryServer(RegistryUser, RegistryPassword);
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
    public void The_pipeline_deploys_and_verifies_a_serving_observer()
    {
        var run = _repo.Run("--target=deploy", "--target=verify");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Entry("deploy").Outcome, Is.EqualTo(QtsOps.Host.TaskOutcome.Succeeded));
        var history = History();
        (_firstVersion, _firstRelease) = (history[0].Version, history[0].Release);
        var (status, body) = Get(_repo.HealthUrl);
        Assert.That(status, Is.EqualTo(200));
        Assert.That(body, Does.Contain(_firstVersion));
        Assert.That(ReportStatus("image"), Is.EqualTo("built"));
        Assert.That(ReportStatus("deploy"), Is.EqualTo("deployed"));
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "verify.json")));
        Assert.That(report.RootElement.GetProperty("passed").GetBoolean(), Is.True);
        Assert.That(report.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()),
            Is.EquivalentTo(QtsOps.Core.Verification.VerifyChecklist.CheckNames));
        Assert.That(history.Select(e => (e.Action, e.Result, e.Version)), Is.EqualTo(new[]
        {
            (HistoryAction.Deploy, HistoryResult.Succeeded, _firstVersion), (HistoryAction.Verify, HistoryResult.Succeeded, _firstVersion),
        }));
        Assert.That(history[0].ImageId, Does.StartWith("sha256:"));
    }

    [Test, Order(2)]
    public void The_image_holds_python_and_the_service_and_no_shell_package_manager_or_docs_but_lists_its_packages()
    {
        var image = Docker("inspect", "--format", "{{.Image}}", _repo.Container).EnsureSuccess("inspect").Output.Single();
        // The image has no shell or find: its own Python lists its files (not /proc, /sys, /dev: the engine's).
        var files = Docker("run", "--rm", "--entrypoint", "python3", image, "-c",
            "import os\nfor top in sorted(set(os.listdir('/')) - {'proc', 'sys', 'dev'}):\n" +
            "    for root, dirs, names in os.walk('/' + top):\n        for name in dirs + names: print(os.path.join(root, name))")
            .EnsureSuccess("listing the image's files").Output;

        Assert.That(files, Does.Contain("/usr/bin/python3"));
        Assert.That(files, Does.Contain("/app/src/qts_observer/service.py"));
        foreach (var absent in new[] { "/bin/sh", "/usr/bin/sh", "/bin/bash", "/usr/bin/dpkg", "/usr/bin/apt-get", "/usr/bin/perl", "/usr/bin/env" })
            Assert.That(files, Does.Not.Contain(absent));
        foreach (var absent in new[] { "/usr/share/doc/", "/usr/share/locale/", "/usr/share/man/", "/usr/lib/python3.11/ensurepip/", "/usr/lib/python3.11/idlelib/",
                     "/usr/lib/python3.11/tkinter/", "/usr/lib/python3.11/test/", "/usr/lib/python3.11/unittest/", "/usr/lib/python3.11/pydoc_data/" })
            Assert.That(files.Where(f => f.StartsWith(absent, StringComparison.Ordinal)), Is.Empty, absent);
        var status = Docker("run", "--rm", "--entrypoint", "python3", image, "-c", "print(open('/var/lib/dpkg/status').read())").EnsureSuccess("reading the package list").Output;
        Assert.That(status, Does.Contain("Package: python3.11-minimal").And.Contain("Package: libpython3.11-stdlib").And.Contain("Package: libc6").And.Not.Contain("Package: perl-base").And.Not.Contain("Package: apt"));
        Assert.That(Docker("inspect", "--format", "{{.Config.User}}", image).Output.Single(), Is.EqualTo("qts"));
    }

    [Test, Order(3)]
    public void A_second_run_with_nothing_changed_skips_the_build_and_the_deploy()
    {
        var run = _repo.Run("--target=deploy", "--target=verify");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain("Skipping the build: image"));
        Assert.That(run.Entry("deploy").Outcome, Is.EqualTo(QtsOps.Host.TaskOutcome.Skipped));
        Assert.That(run.Entry("deploy").Note, Does.Contain("already runs healthy"));
    }

    [Test, Order(4)]
    public void A_second_concurrent_deploy_is_refused_naming_the_holder()
    {
        var owner = DeploymentLock.OwnerFileOf(LockFile);
        var first = Task.Run(() => _repo.Run("--target=deploy", "--exclusive", "--force-deploy"));
        var clock = Stopwatch.StartNew();
        while (!File.Exists(owner) && !first.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(20);
        Assert.That(File.Exists(owner), Is.True, "the first deploy never took the lock");

        var second = _repo.Run("--target=deploy", "--exclusive", "--force-deploy");

        Assert.That(second.ExitCode, Is.EqualTo(1));
        Assert.That(second.Error, Does.Contain("Another deploy to 'local' is running").And.Contain($"pid {Environment.ProcessId}"));
        Assert.That(first.Result.ExitCode, Is.Zero, first.Result.Output + first.Result.Error);
        AssertLockFree();
    }

    [Test, Order(5)]
    public void A_release_that_crashes_at_start_is_rolled_back_and_no_record_is_lost()
    {
        using var crashing = _repo.CommitReleaseThatCrashesAtStart();
        var recordsBefore = Records();

        var run = _repo.Run("--target=deploy", "--target=verify");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("crashed").And.Contain($"rolled back to {_firstRelease}, which is healthy and verified"));
        var (status, body) = Get(_repo.HealthUrl);
        Assert.That(status, Is.EqualTo(200));
        Assert.That(body, Does.Contain(_firstVersion));
        var recordsAfter = Records();
        foreach (var (file, content) in recordsBefore)
            Assert.That(recordsAfter[file], Does.StartWith(content), $"{file} lost records");
        Assert.That(History().TakeLast(3).Select(e => (e.Action, e.Result)), Is.EqualTo(new[]
        {
            (HistoryAction.Deploy, HistoryResult.Failed), (HistoryAction.Rollback, HistoryResult.Succeeded), (HistoryAction.Verify, HistoryResult.Succeeded),
        }));
        Assert.That(Directory.EnumerateFiles(Path.Combine(_repo.StateDirectory, "backups", "local"), "*.tar.gz"), Is.Not.Empty);
    }

    [Test, Order(6)]
    public void A_release_whose_container_cannot_start_is_rolled_back_and_recorded()
    {
        var dockerfile = Path.Combine(_repo.Root, "src", "observer", "Dockerfile");
        var good = File.ReadAllText(dockerfile);
        File.WriteAllText(dockerfile, good.Replace("CMD [\"python3\",\"-m\",\"qts_observer\"]", "CMD [\"python3-missing\",\"-m\",\"qts_observer\"]"));
        _repo.Commit("a release whose command does not exist");
        var recordsBefore = Records();
        var entriesBefore = History().Count;
        try
        {
            var run = _repo.Run("--target=deploy");

            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.Error, Does.Contain("could not be started").And.Contain("python3-missing").And.Contain($"rolled back to {_firstRelease}, which is healthy and verified"));
            Assert.That(run.Output, Does.Contain("Removing what earlier runs left in the project"), "the failed start's containers would wedge the rollback's compose up");
            var (status, body) = Get(_repo.HealthUrl);
            Assert.That(status, Is.EqualTo(200));
            Assert.That(body, Does.Contain(_firstVersion));
            Assert.That(Path.GetFileName(new FileInfo(Path.Combine(_repo.StateDirectory, "deploy", "local", "current")).LinkTarget), Is.EqualTo(_firstRelease));
            var recordsAfter = Records();
            foreach (var (file, content) in recordsBefore)
                Assert.That(recordsAfter[file], Does.StartWith(content), $"{file} lost records");
            var entries = History().Skip(entriesBefore).ToList();
            Assert.That(entries.Select(e => (e.Action, e.Result)), Is.EqualTo(new[]
            {
                (HistoryAction.Deploy, HistoryResult.Failed), (HistoryAction.Rollback, HistoryResult.Succeeded), (HistoryAction.Verify, HistoryResult.Succeeded),
            }));
            Assert.That(entries[0].Detail, Does.Contain("python3-missing"));
            Assert.That(ReportStatus("deploy"), Is.EqualTo("failed"));
            Assert.That(File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "deploy.json")), Does.Contain("python3-missing"));
        }
        finally
        {
            File.WriteAllText(dockerfile, good);
            _repo.Commit("the good release again");
        }
    }

    [Test, Order(7)]
    public void A_signal_during_the_health_wait_stops_the_deploy_cleanly_and_the_next_deploy_does_it_again()
    {
        _repo.Commit("a version to interrupt");
        using var deploy = new PipelineProcess(_repo.Root, $"Starting {_repo.Container}", "--target=deploy", "--no-rollback");
        Assert.That(deploy.WaitForLine(TimeSpan.FromMinutes(3)), Is.True, $"the deploy never started the container: {deploy.Output}");

        deploy.Signal("INT");

        Assert.That(deploy.WaitForExit(TimeSpan.FromMinutes(2)), Is.True, "the deploy did not stop");
        Assert.That(deploy.ExitCode, Is.EqualTo(1), deploy.Output);
        Assert.That(deploy.Output, Does.Contain("interrupted by SIGINT (Ctrl-C) while it started").And.Contain("left as it is"));
        Assert.That(History().Last().Result, Is.EqualTo(HistoryResult.Interrupted));
        AssertLockFree();

        var next = _repo.Run("--target=deploy");

        Assert.That(next.ExitCode, Is.Zero, next.Output + next.Error);
        Assert.That(next.Entry("deploy").Outcome, Is.EqualTo(QtsOps.Host.TaskOutcome.Succeeded), "an interrupted deploy is no deploy to skip");
        Assert.That(History().Last().Action, Is.EqualTo(HistoryAction.Deploy));
        Assert.That(History().Last().Result, Is.EqualTo(HistoryResult.Succeeded));
    }

    [Test, Order(8)]
    public void An_unreachable_engine_is_a_clear_error_and_changes_nothing()
    {
        var before = State();

        // --no-setup: the pipeline's own check of the engine; with the setup, build/setup.sh stops the run
        // before it (EntryScriptTests.Setup_stops_a_run_whose_docker_host_does_not_answer).
        var run = _repo.Run("--target=deploy", "--docker-host=unix:///nonexistent/docker.sock", "--no-setup");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("The Docker engine at unix:///nonexistent/docker.sock is not reachable").And.Contain("Nothing was changed"));
        Assert.That(State(), Is.EqualTo(before));
    }

    [Test, Order(9)]
    public void A_push_with_a_wrong_password_is_refused_clearly()
    {
        var run = WithCredentials(RegistryUser, "wrong-password", () => _repo.Run("--target=push"));

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain($"Login to the registry {_registry.Address} as '{RegistryUser}' was refused")
            .And.Contain(PipelineOptions.RegistryPassword.Variable!).And.Not.Contain("wrong-password"));
    }

    [Test, Order(10)]
    public void A_push_sends_every_tag_and_the_registry_confirms_the_digest()
    {
        var run = WithCredentials(RegistryUser, RegistryPassword, () => _repo.Run("--target=push"));

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Not.Contain(RegistryPassword));
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "push.json")));
        var digest = report.RootElement.GetProperty("digest").GetString()!;
        var version = report.RootElement.GetProperty("image").GetString()!.Split(':')[1];
        // Asked independently of the pipeline: the registry serves that digest for the version tag.
        var served = new RegistryManifests(_registry.Address, tls: false, RegistryUser, RegistryPassword).Digest(_repo.ImageRepository, version);
        Assert.That(served, Is.EqualTo(digest));
        Assert.That(report.RootElement.GetProperty("pushed").EnumerateArray().Select(p => p.GetString()),
            Is.EquivalentTo(new[] { $"{_registry.Address}/{_repo.ImageRepository}:{version}", $"{_registry.Address}/{_repo.ImageRepository}:sha-{_repo.ShortSha()}" }));
    }

    [Test, Order(11)]
    public void A_stopped_release_that_verified_is_started_again_by_verify_never_replaced_by_an_older_one()
    {
        var verified = _repo.Run("--target=verify");
        Assert.That(verified.ExitCode, Is.Zero, verified.Output + verified.Error);
        var release = History().Last().Release;
        var version = History().Last().Version;
        Docker("stop", _repo.Container);

        // A protected environment is not started again without --approve (the daily health job has none).
        var refused = _repo.Run("--target=verify", "--protected-environments=local");
        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.Output + refused.Error);
        Assert.That(refused.Error, Does.Contain($"{_repo.Container} is not running, and 'local' is protected: starting its stopped release again needs --approve."));
        Assert.That(Docker("inspect", "--format", "{{.State.Running}}", _repo.Container).Output.Single(), Is.EqualTo("false"));

        var run = _repo.Run("--target=verify", "--protected-environments=local", "--approve");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output + run.Error, Does.Contain($"{_repo.Container} is not running; {release} verified before, so it is started again"));
        Assert.That(Get(_repo.HealthUrl).Body, Does.Contain(version));
        Assert.That(History().TakeLast(2).Select(e => (e.Action, e.Result, e.Release)), Is.EqualTo(new[]
        {
            (HistoryAction.Verify, HistoryResult.Succeeded, release), (HistoryAction.Verify, HistoryResult.Succeeded, release),
        }), "restarted and verified again, never rolled back");
    }

    [Test, Order(12)]
    public void Force_deploy_recreates_the_container_and_a_rollback_to_what_runs_changes_nothing()
    {
        var before = ContainerId();

        var forced = _repo.Run("--target=deploy", "--force-deploy");

        Assert.That(forced.ExitCode, Is.Zero, forced.Output + forced.Error);
        Assert.That(ContainerId(), Is.Not.EqualTo(before), "force means a new container");
        Assert.That(History().Last().ContainerId, Is.EqualTo(ContainerId()));
        var release = History().Last().Release;
        var entries = History().Count;
        var stateBefore = State();

        var rollback = _repo.Run("--target=rollback", $"--to={release}");

        Assert.That(rollback.ExitCode, Is.Zero, rollback.Output + rollback.Error);
        Assert.That(rollback.Output, Does.Contain($"Nothing to roll back: {release} already runs healthy"));
        Assert.That(History(), Has.Count.EqualTo(entries), "a no-op records nothing");
        Assert.That(State(), Is.EqualTo(stateBefore));
    }

    [Test, Order(13)]
    public void Status_shows_what_runs_the_last_verified_release_the_lock_and_the_newest_history()
    {
        var last = History().Last();
        var stateBefore = State();

        var run = _repo.Run("--target=status", "--limit=3");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain($"'local': {last.Release} ({last.Version}) is running, healthy in {_repo.Container} since "));
        using (var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "status.json"))))
        {
            var status = report.RootElement;
            Assert.That(status.GetProperty("container").GetProperty("isOurs").GetBoolean(), Is.True);
            Assert.That(status.GetProperty("container").GetProperty("owner").GetProperty("release").GetString(), Is.EqualTo(last.Release));
            Assert.That(status.GetProperty("lastVerified").GetProperty("release").GetString(), Is.EqualTo(History().Last(e => e.Action == HistoryAction.Verify).Release));
            Assert.That(status.GetProperty("history").GetArrayLength(), Is.EqualTo(3));
            Assert.That(status.GetProperty("history")[2].GetProperty("action").GetString(), Is.EqualTo(last.Action.ToString().ToLowerInvariant()));
            Assert.That(status.GetProperty("lock").GetProperty("held").GetBoolean(), Is.False);
        }
        Assert.That(State(), Is.EqualTo(stateBefore), "status changes nothing");

        using (LocalHost.AcquireLock(LockFile, "local", new LockOwner(Environment.ProcessId, "test-host", "release-manager", DateTimeOffset.UtcNow, "deploy 9.9.9"), _ => { }))
        {
            var locked = _repo.Run("--target=status");
            Assert.That(locked.Output, Does.Contain($"| deploy lock | held by pid {Environment.ProcessId} on test-host (user release-manager, deploy 9.9.9"));
        }
    }

    [Test, Order(14)]
    public void A_second_checkout_is_refused_the_container_unless_it_takes_it_over_and_verify_never_checks_another_deployment()
    {
        using var second = new ObserverRepository(_registry.Address);
        try
        {
            second.ShareTargetWith(_repo);
            var container = ContainerId();

            // While the first checkout deploys, the second is refused, even to take over, and told which checkout holds the lock.
            using (LocalHost.AcquireLock(LockFile, "local", new LockOwner(4242, Environment.MachineName, "first", DateTimeOffset.UtcNow, $"deploy 9.9.9 from {_repo.Root}"), _ => { }))
            {
                var locked = second.Run("--target=deploy", "--take-over");
                Assert.That(locked.ExitCode, Is.EqualTo(1));
                Assert.That(locked.Error, Does.Contain("Another deploy to 'local' is running: pid 4242").And.Contain($"deploy 9.9.9 from {_repo.Root}"));
                Assert.That(ContainerId(), Is.EqualTo(container), "nothing was changed");
            }

            var refused = second.Run("--target=deploy");

            Assert.That(refused.ExitCode, Is.EqualTo(1));
            Assert.That(refused.Error, Does.Contain($"'local' is another deployment's: {_repo.Container} (release ").And.Contain($"belongs to the deployment in {_repo.DeployDirectory} (environment local)")
                .And.Contain("--take-over"));
            Assert.That(ContainerId(), Is.EqualTo(container), "nothing was changed");
            var firstVerify = _repo.Run("--target=verify");
            Assert.That(firstVerify.ExitCode, Is.Zero, firstVerify.Output + firstVerify.Error);

            var takeOver = second.Run("--target=deploy", "--take-over");

            Assert.That(takeOver.ExitCode, Is.Zero, takeOver.Output + takeOver.Error);
            Assert.That(takeOver.Output, Does.Contain($"Backed up the data {_repo.Container} mounted ({_repo.DataDirectory})"));
            Assert.That(Directory.EnumerateFiles(Path.Combine(second.StateDirectory, "backups", "local"), "*takeover*.tar.gz"), Is.Not.Empty);
            var entries = History().Count;
            var notOurs = _repo.Run("--target=verify");
            Assert.That(notOurs.ExitCode, Is.EqualTo(1));
            Assert.That(notOurs.Error, Does.Contain($"'local' is another deployment's: {_repo.Container} (release ").And.Contain($"belongs to the deployment in {second.DeployDirectory}")
                .And.Contain("nothing was verified or rolled back"));
            Assert.That(History(), Has.Count.EqualTo(entries), "another deployment's container is neither recorded nor rolled back");
            Assert.That(Get(_repo.HealthUrl).Status, Is.EqualTo(200));
        }
        finally
        {
            var images = Docker("image", "ls", "--format", "{{.Repository}}:{{.Tag}}").Output.Where(i => i.Contains(second.ImageRepository)).ToArray();
            if (images.Length > 0) Docker(["image", "rm", "--force", .. images]);
        }
    }

    [Test, Order(15)]
    public void A_version_tag_on_an_image_of_other_inputs_is_built_again_not_reused()
    {
        var first = _repo.Run("--target=image");
        Assert.That(first.ExitCode, Is.Zero, first.Output + first.Error);
        var (reference, id, inputs, baseImage) = ImageReport();
        // The tag moved by hand onto another image: the lookup by tag must read the inputs' label, not trust the name.
        Docker("tag", baseImage, reference).EnsureSuccess("moving the version tag onto the base image");

        var again = _repo.Run("--target=image");

        Assert.That(again.ExitCode, Is.Zero, again.Output + again.Error);
        Assert.That(again.Output, Does.Not.Contain("Skipping the build"));
        Assert.That(ReportStatus("image"), Is.EqualTo("built"));
        Assert.That(ImageReport(), Is.EqualTo((reference, id, inputs, baseImage)), "the same inputs build the same image, tagged again");
        Assert.That(Docker("image", "inspect", "--format", "{{index .Config.Labels \"io.qtsops.inputs\"}}", reference).Output.Single(), Is.EqualTo(inputs));
    }

    private (string Reference, string Id, string Inputs, string BaseImage) ImageReport()
    {
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "image.json")));
        string Field(string name) => report.RootElement.GetProperty(name).GetString()!;
        return (Field("reference"), Field("id"), Field("inputsHash"), Field("baseImage"));
    }

    private string ContainerId() => Docker("inspect", "--format", "{{.Id}}", _repo.Container).Output.Single();

    /// <summary>The machine's lock of the container (docs/OPERATIONS.md, "Environments"), shared by every checkout that deploys it.</summary>
    private string LockFile => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".qtsops", "locks", $"{_repo.Container}.lock");

    /// <summary>The deploy let go of the lock: no owner named, and the lock can be taken.</summary>
    private void AssertLockFree()
    {
        Assert.That(LocalHost.InspectLock(LockFile).Owner, Is.Null, "the lock's owner outlived its deploy");
        using var taken = LocalHost.AcquireLock(LockFile, "local", new LockOwner(Environment.ProcessId, "test", "test", DateTimeOffset.UtcNow, "check"), warning => Assert.Fail(warning));
    }

    private string? ReportStatus(string target)
    {
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", target + ".json")));
        return report.RootElement.GetProperty("status").GetString();
    }

    /// <summary>This machine as the checkout's deploys see it.</summary>
    private LocalDeploymentHost LocalHost => new(_repo.Root, _repo.StateDirectory);

    private List<HistoryEntry> History() => Support.HistoryFile.Entries(Path.Combine(_repo.StateDirectory, "history", "local.jsonl"));

    private Dictionary<string, string> Records() =>
        Directory.EnumerateFiles(_repo.DataDirectory, "observations-*.jsonl").ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    /// <summary>What a deploy changes: releases, the current pointer, backups, history and locks (not the growing data).</summary>
    private string State()
    {
        var deploy = Path.Combine(_repo.StateDirectory, "deploy", "local");
        var parts = new List<string> { $"current={new FileInfo(Path.Combine(deploy, "current")).LinkTarget}" };
        parts.AddRange(Directory.EnumerateDirectories(Path.Combine(deploy, "releases")).Order());
        foreach (var folder in new[] { "backups", "history", "locks" }.Select(f => Path.Combine(_repo.StateDirectory, f)).Where(Directory.Exists))
            parts.AddRange(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order().Select(f => $"{f}:{new FileInfo(f).Length}"));
        return string.Join("\n", parts);
    }

    internal static T WithCredentials<T>(string user, string password, Func<T> action)
    {
        var saved = (Environment.GetEnvironmentVariable(PipelineOptions.RegistryUsername.Variable!), Environment.GetEnvironmentVariable(PipelineOptions.RegistryPassword.Variable!));
        Environment.SetEnvironmentVariable(PipelineOptions.RegistryUsername.Variable!, user);
        Environment.SetEnvironmentVariable(PipelineOptions.RegistryPassword.Variable!, password);
        try
        {
            return action();
        }
        finally
        {
            Environment.SetEnvironmentVariable(PipelineOptions.RegistryUsername.Variable!, saved.Item1);
            Environment.SetEnvironmentVariable(PipelineOptions.RegistryPassword.Variable!, saved.Item2);
        }
    }

    internal static (int Status, string Body) Get(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var response = http.GetAsync(url).Result;
        return ((int)response.StatusCode, response.Content.ReadAsStringAsync().Result);
    }

    private static Command.Result Docker(params string[] args) => Command.Run("docker", args);
}
