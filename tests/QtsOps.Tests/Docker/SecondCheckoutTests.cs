using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Docker;

/// <summary>
/// Two checkouts of the repository deploying to the same names, as on one machine: a deployment is
/// all its containers (the single one, the edge, the slots), and the other checkout acts on none of
/// them without --take-over, in either layout and during the move between them. The tests run in order.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable]
public class SecondCheckoutTests
{
    private RegistryServer _registry = null!;
    private ObserverRepository _first = null!;
    private ObserverRepository _second = null!;

    private string Slot(string letter) => $"{_first.Container}-{letter}";
    private string EdgeName => $"{_first.Container}-edge";

    [OneTimeSetUp]
    public void StartRegistryAndTwoCheckouts()
    {
        _registry = new RegistryServer("qtsops", Guid.NewGuid().ToString("N"));
        _first = new ObserverRepository(_registry.Address);
        _second = new ObserverRepository(_registry.Address);
        _second.ShareTargetWith(_first);
        _second.UseStrategy("start-first");
    }

    [OneTimeTearDown]
    public void RemoveContainersImagesAndFolders()
    {
        _first?.RemoveFromEngine();
        _second?.RemoveFromEngine();
        _first?.Dispose();
        _second?.Dispose();
        _registry?.Dispose();
    }

    [Test, Order(1)]
    public void A_start_first_deploy_beside_another_checkouts_single_container_is_refused()
    {
        Assert.That(_first.Run("--target=deploy").ExitCode, Is.Zero, "recreate: one container");
        var before = Ids();

        var refused = _second.Run("--target=deploy");

        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Error, Does.Contain($"'local' is another deployment's: {_first.Container} (release ").And.Contain($"belongs to the deployment in {_first.DeployDirectory} (environment local)")
            .And.Contain("--take-over"));
        Assert.That(Ids(), Is.EqualTo(before), "nothing was started or removed");
    }

    [Test, Order(2)]
    public void A_second_checkouts_deploy_beside_a_start_first_deployment_is_refused_naming_the_first_and_the_first_still_verifies()
    {
        _first.UseStrategy("start-first");
        var moved = _first.Run("--target=deploy", "--target=verify");
        Assert.That(moved.ExitCode, Is.Zero, moved.Output + moved.Error);
        _first.Commit("a second release, so that there is a backup and a release to roll back to");
        Assert.That(_first.Run("--target=deploy").ExitCode, Is.Zero);
        var before = Ids();

        var refused = _second.Run("--target=deploy");

        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Error, Does.Contain($"'local' is another deployment's: {EdgeName}, {Slot("a")} (release ").And.Contain($"belong to the deployment in {_first.DeployDirectory} (environment local)")
            .And.Contain(EdgeName).And.Contain(Slot("a")).And.Contain(Slot("b")).And.Contain("--take-over"));
        Assert.That(Ids(), Is.EqualTo(before), "nothing was started or removed");
        var verify = _first.Run("--target=verify");
        Assert.That(verify.ExitCode, Is.Zero, verify.Output + verify.Error);
    }

    [Test, Order(3)]
    public void Status_from_the_second_checkout_shows_the_first_checkouts_deployment_and_whose_it_is()
    {
        var status = _second.Run("--target=status");

        Assert.That(status.ExitCode, Is.Zero, status.Output + status.Error);
        Assert.That(status.Output, Does.Contain($"'local': {Slot("b")} belongs to the deployment in {_first.DeployDirectory}").And.Contain("not to this deployment, and serves ")
            .And.Contain($"| also | `{EdgeName}`: running, the deployment in {_first.DeployDirectory}"));
    }

    [Test, Order(4)]
    public void Taken_over_the_first_checkouts_verify_rollback_and_restore_are_refused_and_change_nothing()
    {
        var takeOver = _second.Run("--target=deploy", "--take-over");
        Assert.That(takeOver.ExitCode, Is.Zero, takeOver.Output + takeOver.Error);
        Assert.That(takeOver.Output + takeOver.Error, Does.Contain($"Taking over {EdgeName}"));
        Assert.That(Label(EdgeName, DeploymentOwner.DeploymentLabel), Is.EqualTo(_second.DeployDirectory), "the second checkout's own edge");
        var history = File.ReadAllText(Path.Combine(_first.StateDirectory, "history", "local.jsonl"));
        var before = Ids();

        foreach (var (target, nothingDone) in new[] { ("verify", "nothing was verified or rolled back"), ("rollback", "nothing was rolled back"), ("restore", "nothing was restored") })
        {
            var refused = _first.Run($"--target={target}");
            Assert.That(refused.ExitCode, Is.EqualTo(1), target);
            Assert.That(refused.Error, Does.Contain($"belong").And.Contain($"to the deployment in {_second.DeployDirectory}").And.Contain(nothingDone), target);
        }
        Assert.That(Ids(), Is.EqualTo(before), "nothing was started, stopped or removed");
        Assert.That(File.ReadAllText(Path.Combine(_first.StateDirectory, "history", "local.jsonl")), Is.EqualTo(history), "nothing recorded");
        Assert.That(DeploymentPipelineTests.Get(_first.HealthUrl).Status, Is.EqualTo(200));
    }

    /// <summary>Every container under the environment's names, with its id and state.</summary>
    private string Ids() => string.Join("\n", new[] { _first.Container, EdgeName, Slot("a"), Slot("b") }
        .Select(name => ObserverRepository.Docker("inspect", "-f", "{{.Name}} {{.Id}} {{.State.Status}}", name))
        .Where(found => found.ExitCode == 0).Select(found => found.Output.Single()));

    private static string Label(string container, string label) =>
        ObserverRepository.Docker("inspect", "-f", $"{{{{index .Config.Labels \"{label}\"}}}}", container).Output.Single().Trim();
}
