using QtsOps.Core.Environments;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>environments.json as the pipeline reads it, before any engine is asked.</summary>
public class EnvironmentSettingsPipelineTests
{
    private static TempGitRepository RepositoryWith(string environments)
    {
        var repo = new TempGitRepository();
        repo.Write(EnvironmentCatalog.FileName, environments);
        repo.Commit("feat: settings");
        return repo;
    }

    /// <summary>A repository with the checked-in environments.json, committed on main.</summary>
    private static TempGitRepository WithCheckedInSettings() => RepositoryWith(File.ReadAllText(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName)));

    /// <summary>
    /// The checked-in environments.json, but prod takes a release without its verified bundle: these tests are of the checks
    /// before it (approval, version, release branch); ReleaseBundleTests test the bundle's.
    /// </summary>
    private static TempGitRepository WithoutTheBundleGate()
    {
        var environments = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName)),
            documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        environments["prod"]!["requireVerifiedRelease"] = false;
        return RepositoryWith(environments.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>An approved prod deploy to an engine that does not answer: a run that passes every check before the engine stops there.</summary>
    private static readonly string[] ApprovedProdDeploy = ["--target=deploy", "--exclusive", "--env=prod", "--approve", "--docker-host=tcp://127.0.0.1:1"];

    // Approval is --approve only: many shells and runners export CI, so no variable approves.
    [TestCase("deploy", "deploying to it", null, null)]
    [TestCase("deploy", "deploying to it", "CI", "true")]
    [TestCase("apply", "applying a plan to it", "CI", "true")]
    [TestCase("deploy", "deploying to it", "CI", "1")]
    [TestCase("deploy", "deploying to it", "CI", "false")]
    [TestCase("deploy", "deploying to it", "GITHUB_ACTIONS", "true")]
    public void Changing_a_protected_environment_needs_the_approve_switch_whatever_the_variables_say(string target, string what, string? variable, string? value)
    {
        using var repo = WithCheckedInSettings();
        // prod's root module: without one, apply has nothing to change and skips (TerraformStage.NothingToProvision).
        repo.Write("src/infra/environments/prod/main.tf", "terraform {}\n");
        repo.Commit("feat: prod's root module");
        repo.Tag("v1.0.0"); // prod takes release versions only
        using var environment = new EnvironmentVariableScope().Set("CI", null).Set("GITHUB_ACTIONS", null);
        if (variable is not null) environment.Set(variable, value);

        var run = InProcessPipeline.Run(repo.Path, [$"--target={target}", "--exclusive", "--env=prod"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain($"'prod' is protected: {what} needs --approve."));
    }

    // The switch given but set off is no approval: what counts is its value, not that it was written.
    [TestCase("--approve=false")]
    [TestCase("--approve=0")]
    public void An_approve_switch_set_off_approves_nothing(string approve)
    {
        using var repo = WithCheckedInSettings();
        repo.Tag("v1.0.0");

        var run = InProcessPipeline.Run(repo.Path, ["--target=deploy", "--exclusive", "--env=prod", approve]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("'prod' is protected: deploying to it needs --approve."));
    }

    [Test]
    public void A_pre_release_reaches_a_protected_environment_only_with_allow_prerelease()
    {
        using var repo = WithoutTheBundleGate();
        repo.Tag("v1.4.0-rc.1");
        repo.Publish("main");

        var refused = InProcessPipeline.Run(repo.Path, ApprovedProdDeploy);

        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Summary.Entries.Select(e => e.Outcome), Is.All.EqualTo(QtsOps.Host.TaskOutcome.NotRun), "refused before any task ran");
        Assert.That(refused.Error, Does.Contain("prod takes final releases only: 1.4.0-rc.1 (v1.4.0-rc.1) is a pre-release").And.Contain("--allow-prerelease"));

        var allowed = InProcessPipeline.Run(repo.Path, [.. ApprovedProdDeploy, "--allow-prerelease"]);

        Assert.That(allowed.Error, Does.Not.Contain("pre-release"));
        Assert.That(allowed.Error, Does.Contain("tcp://127.0.0.1:1 is not reachable"), "it went on to the engine");
    }

    [Test]
    public void With_approval_a_protected_deploy_of_a_commit_merged_into_main_on_origin_goes_on_to_its_engine()
    {
        using var repo = WithoutTheBundleGate();
        repo.Publish("main");
        repo.CreateBranch("feature");
        repo.Commit("feat: reviewed");
        repo.Checkout("main");
        repo.Merge("feature");
        repo.Tag("v1.0.0");
        repo.Publish("main");
        // origin/main as an earlier fetch left it: the pipeline fetches the branch before it judges.
        repo.Git.Refs.UpdateTarget("refs/remotes/origin/main", repo.Git.Branches["feature"].Tip.Parents.Single().Sha);

        var run = InProcessPipeline.Run(repo.Path, ApprovedProdDeploy);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Not.Contain("is protected"));
        Assert.That(run.Error, Does.Contain("tcp://127.0.0.1:1 is not reachable").And.Contain("Nothing was changed"));
    }

    [Test]
    public void A_protected_deploy_of_a_tagged_commit_that_is_not_on_origins_release_branch_is_refused_before_any_task()
    {
        using var repo = WithoutTheBundleGate();
        repo.CreateBranch("spike");
        var spike = repo.Commit("feat: not reviewed");
        repo.Tag("v1.1.0"); // anyone who may push a tag

        var unpublished = InProcessPipeline.Run(repo.Path, ApprovedProdDeploy);
        Assert.That(unpublished.ExitCode, Is.EqualTo(1));
        Assert.That(unpublished.Error, Does.Contain("prod takes commits of the release branch only, and 'main' could not be read from origin:")
            .And.Contain("git ls-remote origin main").And.Contain("--release-branch=NAME"), "no origin yet");

        repo.Publish("main", "spike");
        var run = InProcessPipeline.Run(repo.Path, ApprovedProdDeploy);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Summary.Entries.Select(e => e.Outcome), Is.All.EqualTo(QtsOps.Host.TaskOutcome.NotRun), "refused before any task ran");
        Assert.That(run.Error, Does.Contain($"prod takes commits of the release branch only, and commit {spike[..12]} (1.1.0) is not on origin/main (not one of its ancestors)")
            .And.Contain("merge it into main").And.Contain("--release-branch=NAME"));
        Assert.That(run.Error, Does.Not.Contain("127.0.0.1:1"), "the engine was not asked");

        // The project may release from another branch: then that branch decides.
        var declared = InProcessPipeline.Run(repo.Path, [.. ApprovedProdDeploy, "--release-branch=spike"]);
        Assert.That(declared.Error, Does.Not.Contain("release branch only"));
        Assert.That(declared.Error, Does.Contain("tcp://127.0.0.1:1 is not reachable"), "it went on to the engine");
    }

    [Test]
    public void A_broken_settings_file_stops_the_run_naming_file_and_line()
    {
        using var repo = RepositoryWith("{\n  \"local\": { \"port\": 8000 }\n}\n");

        var run = InProcessPipeline.Run(repo.Path, ["--target=verify", "--exclusive"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("environments.json:2: $.local: 'composeProject' is missing"));
    }

    [Test]
    public void Another_environments_file_replaces_the_checked_in_one_with_the_same_checks()
    {
        var checkedIn = File.ReadAllText(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName));
        using var repo = RepositoryWith(checkedIn);
        using var elsewhere = new TempDirectory();
        var team = elsewhere.Write("team-environments.json", checkedIn.Replace("\"ssh://qtsops@staging.qts-observer.internal\"", "\"ssh://qtsops@127.0.0.1:2222\""));
        Assume.That(File.ReadAllText(team), Does.Contain("ssh://qtsops@127.0.0.1:2222"), "the checked-in staging host changed: adjust the test");

        var planned = InProcessPipeline.Run(repo.Path, ["--target=deploy", "--exclusive", "--env=staging", $"--environments={team}", "--dryrun"]);

        Assert.That(planned.ExitCode, Is.Zero, planned.Error);
        Assert.That(planned.Output, Does.Contain("to 'staging' on ssh://qtsops@127.0.0.1:2222"));

        var broken = elsewhere.Write("broken.json", "{\n  \"local\": { \"port\": 8000 }\n}\n");
        using var variable = new EnvironmentVariableScope().Set("QTSOPS_ENVIRONMENTS", broken);
        var run = InProcessPipeline.Run(repo.Path, ["--target=verify", "--exclusive"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain($"{broken}:2: $.local: 'composeProject' is missing"));
    }

    [Test]
    public void A_missing_environments_file_given_on_the_command_line_says_to_correct_the_path()
    {
        using var repo = RepositoryWith(File.ReadAllText(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName)));

        var run = InProcessPipeline.Run(repo.Path, ["--target=verify", "--exclusive", "--environments=team-environmnets.json"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain($"{Path.Combine(repo.Path, "team-environmnets.json")}: not found. Fix: correct the path given by --environments (or QTSOPS_ENVIRONMENTS)"));
    }
}
