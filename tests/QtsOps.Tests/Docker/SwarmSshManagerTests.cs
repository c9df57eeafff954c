using QtsOps.Core.Testing;
using QtsOps.Core.Deployment;
using QtsOps.Core.Swarm;

namespace QtsOps.Tests.Docker;

/// <summary>
/// A swarm environment whose dockerHost is an ssh:// manager (issue 23, point 2): the lab's nodes each with an sshd in their own
/// namespaces (<see cref="Lab"/> with ssh), the pipeline given the lab's key and pinned host keys as a user gives them
/// (QTSOPS_SSH_KEY_FILE, QTSOPS_SSH_KNOWN_HOSTS). The deploy directory, the history and the lock are on the manager's host, its own
/// /srv, reached over ssh; the stack deploy, the wait and verify go to the manager's engine over ssh.
/// </summary>
[TestFixture, Category("Docker"), Category(TestShards.LabCategory), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class SwarmSshManagerTests
{
    private SwarmScratch _swarm = null!;

    /// <summary>The deploy directory on the manager's host, here: the lab's (the manager's /srv seen from here).</summary>
    private string DeployDirectoryHere => _swarm.DeployDirectory;

    [OneTimeSetUp]
    public void StartRegistryLabWithSshAndScratchRepository()
    {
        _swarm = new SwarmScratch("qtsssh", ssh: true);
        File.WriteAllText(Path.Combine(_swarm.Repo.Root, "environments.json"), _swarm.EnvironmentsWithCluster(placement: null, cluster =>
        {
            cluster["dockerHost"] = $"ssh://root@{_swarm.Lab.Manager.Address}";
            // The same folders, as the ssh user on the manager sees them: under its own /srv.
            foreach (var key in new[] { "deployDirectory", "backupDirectory" })
                cluster[key] = "/srv/" + Path.GetRelativePath(_swarm.Lab.Manager.Srv, cluster[key]!.GetValue<string>());
        }));
        _swarm.Repo.Commit("cluster on the lab's swarm through its manager's sshd");
    }

    [OneTimeTearDown]
    public void RemoveEverything() => _swarm?.Dispose();

    [Test]
    public void Deploy_and_verify_through_an_ssh_manager_keep_the_stack_file_and_the_history_on_the_manager_s_host()
    {
        var run = _swarm.Run(new Dictionary<string, string?>
        {
            ["QTSOPS_SSH_KEY_FILE"] = _swarm.Lab.SshKeyFile, ["QTSOPS_SSH_KNOWN_HOSTS"] = File.ReadAllText(_swarm.Lab.SshKnownHosts!),
        });

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain($"docker stack deploy {_swarm.Stack} on ssh://root@{_swarm.Lab.Manager.Address}"), "the manager's engine is reached over ssh");
        var history = Support.HistoryFile.Entries(Path.Combine(DeployDirectoryHere, ".qtsops", "history", "cluster.jsonl"));
        Assert.That(history.Select(entry => (entry.Action, entry.Result)), Is.EqualTo(new[] { (HistoryAction.Deploy, HistoryResult.Succeeded), (HistoryAction.Verify, HistoryResult.Succeeded) }),
            "the history is on the manager's host");
        var release = history[0].Release;
        Assert.That(File.ReadAllText(Path.Combine(DeployDirectoryHere, "releases", release, SwarmStack.FileName)), Does.Contain($"@{history[0].Digest}"), "stack.yml kept on the manager's host");
        Assert.That(_swarm.ServiceImage(_swarm.Service), Does.EndWith(history[0].Digest!), "the service runs the pinned release");
        Assert.That(run.Output, Does.Contain($"{release} verified on the swarm"));
        Assert.That(File.Exists(_swarm.HistoryFile), Is.False, "no history in the checkout: it is the manager's host's");
    }
}
