using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

/// <summary>The folders every release of an environment shares, as the one who makes them sees them.</summary>
[Category("Core")]
public class SharedFoldersTests
{
    [Test]
    public void The_data_log_and_config_folders_are_the_environment_s_as_seen_from_where_they_are_made_and_the_service_writes_two()
    {
        var target = SwarmStackInputs.Cluster();

        var folders = SharedFolders.Of(target, path => "/node" + path);

        Assert.That(folders, Is.EqualTo(new SharedFolders("/node" + target.DataDirectory, "/node" + target.LogDirectory, "/node" + target.ConfigDirectory)));
        Assert.That(new[] { target.DataDirectory, target.LogDirectory, target.ConfigDirectory }.Distinct().Count(), Is.EqualTo(3), "the fixture tells the three apart");
        Assert.That(folders.All, Is.EqualTo(new[] { folders.Data, folders.Logs, folders.Config }));
        Assert.That(folders.ForService, Is.EqualTo(new[] { folders.Data, folders.Logs }), "the config folder is the package's, read only");
    }
}
