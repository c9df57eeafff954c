using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

/// <summary>A deploy is skipped only when its release already runs as a finished deploy left it; any one sign against that deploys.</summary>
[Category("Core")]
public class DeploySkipTests
{
    private const string ImageId = "sha256:0123456789abcdef0123456789abcdef";
    private static readonly ContainerFound Running = new("c0ffee", Running: true, Health: "healthy", RestartCount: 0, IsOurs: true, ImageId);

    private static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string> { ["port"] = "8000", ["strategy"] = "start-first" };

    private static HistoryEntry Started(IReadOnlyDictionary<string, string>? settings) => new()
    {
        Action = HistoryAction.Deploy, Result = HistoryResult.Succeeded, Version = "1.0.1", Release = "1.0.1", ContainerId = Running.Id,
        StartedAt = DateTimeOffset.UnixEpoch, FinishedAt = DateTimeOffset.UnixEpoch, Settings = settings,
    };

    private static DeploySkipEvidence AlreadyRunning() => new("1.0.1", "1.0.1", "qts-observer",
        () => Running, containerId => containerId == Running.Id ? Started(Settings) : null, () => ImageId, Settings);

    private static AssertionException Read(string what) => new($"{what} was read, though what was read before already says deploy");

    [Test]
    public void A_release_that_already_runs_healthy_from_its_image_is_skipped_with_the_way_to_deploy_it_again()
    {
        Assert.That(DeploySkip.Reason(AlreadyRunning()),
            Is.EqualTo("1.0.1 already runs healthy in qts-observer from image 0123456789ab (--force-deploy to deploy it again)"));
    }

    [TestCase("1.0.0")]
    [TestCase(null)]
    public void Another_current_release_deploys_without_asking_the_engine(string? current)
    {
        Assert.That(DeploySkip.Reason(AlreadyRunning() with { CurrentRelease = current, Container = () => throw Read("the container") }), Is.Null);
    }

    [Test]
    public void No_container_deploys()
    {
        Assert.That(DeploySkip.Reason(AlreadyRunning() with { Container = () => null }), Is.Null);
    }

    [Test]
    public void A_stopped_container_deploys_without_reading_the_history()
    {
        Assert.That(DeploySkip.Reason(AlreadyRunning() with { Container = () => Running with { Running = false }, SuccessfulStartIn = _ => throw Read("the history") }), Is.Null);
    }

    [TestCase("unhealthy")]
    [TestCase("starting")]
    [TestCase(null)]
    public void A_container_that_is_not_healthy_deploys(string? health)
    {
        Assert.That(DeploySkip.Reason(AlreadyRunning() with { Container = () => Running with { Health = health } }), Is.Null);
    }

    [Test]
    public void A_container_that_restarted_once_deploys()
    {
        Assert.That(DeploySkip.Reason(AlreadyRunning() with { Container = () => Running with { RestartCount = 1 } }), Is.Null);
    }

    [Test]
    public void A_container_another_deployment_started_deploys()
    {
        Assert.That(DeploySkip.Reason(AlreadyRunning() with { Container = () => Running with { IsOurs = false } }), Is.Null);
    }

    [Test]
    public void A_container_the_history_does_not_record_as_the_release_finished_deploy_deploys_without_reading_the_image()
    {
        Assert.That(DeploySkip.Reason(AlreadyRunning() with { SuccessfulStartIn = _ => null, ImageId = () => throw Read("the image") }), Is.Null);
    }

    [Test]
    public void A_container_running_another_image_than_the_release_names_deploys()
    {
        Assert.That(DeploySkip.Reason(AlreadyRunning() with { ImageId = () => "sha256:fedcba9876543210fedcba9876543210" }), Is.Null);
    }

    [Test]
    public void An_image_the_engine_no_longer_has_deploys()
    {
        Assert.That(DeploySkip.Reason(AlreadyRunning() with { ImageId = () => null }), Is.Null);
    }

    [Test]
    public void A_release_deployed_with_other_settings_deploys_again()
    {
        Assert.That(DeploySkip.Reason(AlreadyRunning() with { Settings = new Dictionary<string, string> { ["port"] = "8081", ["strategy"] = "start-first" } }), Is.Null);
    }

    [Test]
    public void A_release_whose_deploy_recorded_no_settings_deploys_again()
    {
        Assert.That(DeploySkip.Reason(AlreadyRunning() with { SuccessfulStartIn = _ => Started(settings: null) }), Is.Null);
    }
}
