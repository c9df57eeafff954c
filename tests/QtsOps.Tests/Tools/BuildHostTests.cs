using QtsOps.Host;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>The real pipeline's tasks and context, run in a scratch repository.</summary>
public class BuildHostTests
{
    private static HostRun RunPipeline(string workingDirectory, params string[] args) => InProcessPipeline.Run(workingDirectory, args);

    [Test]
    public void A_bad_env_is_refused_with_the_environments_the_file_declares()
    {
        using var repo = new TempDirectory();
        repo.Write("QtsOps.sln", "");
        var environments = repo.Write("environments.json", File.ReadAllText(SourceRepository.Combine("environments.json")));

        var run = RunPipeline(repo.Path, "--target=clean", "--env=qa");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain($"--env=qa: {environments} declares no environment 'qa'; it declares local, staging, prod."));
    }

    [TestCase("--target=default")]
    [TestCase("--target=deploy", "--target=verify")]
    public void Verify_comes_after_deploy_and_alone_runs_nothing_else(params string[] targets)
    {
        using var repo = new TempGitRepository();
        SourceRepository.CopyTo("environments.json", repo.Combine("environments.json"));
        repo.Commit("feat: environments");

        var run = RunPipeline(repo.Path, [.. targets, "--dryrun"]);
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var chain = run.Summary.Entries.Select(e => e.Task).ToList();
        var alone = RunPipeline(repo.Path, "--target=verify", "--dryrun").Summary.Entries.Select(e => e.Task);

        // Each present (IndexOf would say -1 for a missing one, which is "before" anything) and in this order.
        Assert.That(chain.Where(task => task is "image" or "deploy" or "verify"), Is.EqualTo(new[] { "image", "deploy", "verify" }), string.Join(" -> ", chain));
        Assert.That(alone, Is.EqualTo(new[] { "verify" }), "verify checks what runs: it neither cleans, packages nor deploys");
    }

    [Test]
    public void A_dry_run_shows_the_version_and_environment_the_skips_a_real_run_makes_and_what_deploy_installs()
    {
        using var repo = new TempGitRepository();
        SourceRepository.CopyTo("environments.json", repo.Combine("environments.json"));
        repo.Commit("feat: environments");
        repo.Tag("v1.4.0");

        var run = RunPipeline(repo.Path, "--dryrun");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Output, Does.Contain("QtsOps 1.4.0 (tagged v1.4.0): environment local, tasks clean -> validate").And.Contain("-> verify -> default (dry run)"));
        var push = run.Entry("push");
        Assert.That(push.Outcome, Is.EqualTo(TaskOutcome.Skipped), "local deploys on this machine's engine: a real run skips push");
        Assert.That(push.Note, Does.Contain("'local' deploys on this machine's engine"));
        Assert.That(run.Output, Does.Contain("(dry run) would skip push"));
        Assert.That(run.Output, Does.Contain("(dry run) would deploy 1.4.0 (release 1.4.0) to 'local'")
            .And.Contain("in the slot beside the one that serves (qts-observer-a or qts-observer-b), behind the edge qts-observer-edge on 127.0.0.1:8000"), "the checked-in local is start-first");
        Assert.That(run.Entry("deploy").Outcome, Is.EqualTo(TaskOutcome.DryRun));
    }

    [Test]
    public void A_dry_run_of_prod_finds_the_refusal_of_an_unreleased_version()
    {
        using var repo = new TempGitRepository();
        SourceRepository.CopyTo("environments.json", repo.Combine("environments.json"));
        repo.Commit("feat: environments");

        var run = RunPipeline(repo.Path, "--target=deploy", "--env=prod", "--dryrun");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("prod deploys release versions only"));
    }

    [Test]
    public void Clean_removes_artifacts_and_source_caches_but_keeps_state_and_data()
    {
        using var repo = new TempDirectory();
        repo.Write("QtsOps.sln", "");
        repo.Write("artifacts/package/x.tar.gz", "x");
        repo.Write(".qtsops/history.jsonl", "{}");
        repo.Write("src/observer/src/qts_observer/__pycache__/a.cpython-311.pyc", "x");
        repo.Write("src/observer/logs/observer.log", "x");
        repo.Write("src/observer/data/observations.jsonl", "{}");
        repo.Write("src/observer/src/qts_observer/service.py", "print()");

        var run = RunPipeline(repo.Path, "--target=clean");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(Directory.EnumerateFiles(repo.Combine("artifacts"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(repo.Path, f).Replace('\\', '/')),
            Is.EqualTo(new[] { "artifacts/reports/index.html" }), "only the run report of this run, written after clean");
        Assert.That(Directory.Exists(repo.Combine("src/observer/src/qts_observer/__pycache__")), Is.False);
        Assert.That(File.Exists(repo.Combine("src/observer/logs/observer.log")), Is.False);
        Assert.That(File.Exists(repo.Combine(".qtsops/history.jsonl")), Is.True);
        Assert.That(File.Exists(repo.Combine("src/observer/data/observations.jsonl")), Is.True);
        Assert.That(File.Exists(repo.Combine("src/observer/src/qts_observer/service.py")), Is.True);
    }

    [Test]
    public void Outside_a_repository_the_error_says_where_to_run()
    {
        using var elsewhere = new TempDirectory();

        var run = RunPipeline(elsewhere.Path, "--target=clean");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("No QtsOps.sln"));
    }
}
