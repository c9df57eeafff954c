using QtsOps.Core.Deployment;
using QtsOps.Core.Swarm;

namespace QtsOps.Tests.Core;

/// <summary>A deploy to a swarm is skipped only when its release runs from the very stack file this run would deploy; any one sign against that deploys.</summary>
[Category("Core")]
public class SwarmDeploySkipTests
{
    private static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string> { ["replicas"] = "2", ["updateOrder"] = "start-first" };

    private static string Stack => SwarmStackInputs.Write(release: "1.0.1").Text;

    private static readonly Convergence Converged = new(ConvergenceOutcome.Converged, "tasks run", []);

    private static HistoryEntry Deployed(IReadOnlyDictionary<string, string>? settings) => new()
    {
        Action = HistoryAction.Deploy, Result = HistoryResult.Succeeded, Version = "1.0.1", Release = "1.0.1",
        StartedAt = DateTimeOffset.UnixEpoch, FinishedAt = DateTimeOffset.UnixEpoch, Settings = settings,
    };

    private static SwarmDeploySkipEvidence AlreadyRunning() => new("1.0.1", "1.0.1", () => Deployed(Settings), Settings,
        () => Stack, () => Stack.Replace("# Written by QtsOps from", "# Written by QtsOps this time from"), () => Converged);

    private static AssertionException Read(string what) => new($"{what} was read, though what was read before already says deploy");

    [Test]
    public void A_release_whose_tasks_run_from_the_same_stack_file_is_skipped_with_the_way_to_deploy_it_again()
    {
        Assert.That(SwarmDeploySkip.Reason(AlreadyRunning()), Is.EqualTo(
            "1.0.1 already runs on the swarm, every task from the digest its kept stack.yml pins, the stack file this run would deploy the same (--force-deploy to deploy it again)"));
    }

    [TestCase("1.0.0")]
    [TestCase(null)]
    public void Another_current_release_deploys_without_pushing_or_asking_the_manager(string? current)
    {
        Assert.That(SwarmDeploySkip.Reason(AlreadyRunning() with
        {
            CurrentRelease = current, SuccessfulChange = () => throw Read("the history"), StackNow = () => throw Read("the stack now"), Running = () => throw Read("the tasks"),
        }), Is.Null);
    }

    [Test]
    public void A_last_change_that_was_not_the_release_s_success_deploys()
    {
        Assert.That(SwarmDeploySkip.Reason(AlreadyRunning() with { SuccessfulChange = () => null, StackNow = () => throw Read("the stack now") }), Is.Null);
    }

    [Test]
    public void Changed_settings_deploy()
    {
        Assert.That(SwarmDeploySkip.Reason(AlreadyRunning() with { Settings = new Dictionary<string, string> { ["replicas"] = "3", ["updateOrder"] = "start-first" } }), Is.Null);
    }

    [Test]
    public void Another_digest_or_config_in_the_stack_file_deploys()
    {
        var other = SwarmStackInputs.Write(release: "1.0.1", composeText: SwarmStackInputs.ComposeText + "configs:\n  rules:\n    file: ./rules.json\n", readFile: _ => "{}").Text;

        Assert.That(SwarmDeploySkip.Reason(AlreadyRunning() with { StackNow = () => other }), Is.Null);
        Assert.That(SwarmDeploySkip.Reason(AlreadyRunning() with { StackNow = () => Stack.Replace(SwarmStackInputs.ObserverImage, SwarmStackInputs.ObserverImage.Replace('1', '3')) }), Is.Null);
        Assert.That(SwarmDeploySkip.Reason(AlreadyRunning() with { KeptStack = () => null, Running = () => throw Read("the tasks") }), Is.Null, "no kept stack file");
    }

    [Test]
    public void Tasks_that_do_not_all_run_the_image_deploy()
    {
        Assert.That(SwarmDeploySkip.Reason(AlreadyRunning() with { Running = () => new Convergence(ConvergenceOutcome.Converging, "1/2 running the new release", []) }), Is.Null);
    }
}
