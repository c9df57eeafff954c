using QtsOps.Core.Environments;

namespace QtsOps.Tests.Core;

/// <summary>Each overlap of an environment's directories, with the key it is reported on, its whole message and its fix.</summary>
[Category("Core")]
public class DirectoryLayoutTests
{
    // The checked-in local environment: deploy .qtsops/deploy/local, data, logs and config in it, backups in .qtsops/backups/local.
    private static readonly DeploymentEnvironment Local =
        EnvironmentCatalog.Load(SourceRepository.Combine(EnvironmentCatalog.FileName))["local"];

    private static DeploymentEnvironment Absolute => Local with
    {
        DeployDirectory = "/srv/qts", DataDirectory = "/srv/qts/data", LogDirectory = "/var/log/qts", ConfigDirectory = "/etc/qts", BackupDirectory = "/var/backups/qts",
    };

    private static (string Key, string Message, string Fix)[] Overlaps(DeploymentEnvironment environment) =>
        DirectoryLayout.Overlaps(environment).Select(o => (o.Key, o.Message, o.Fix)).ToArray();

    [Test]
    public void The_checked_in_layouts_have_no_overlap()
    {
        Assert.That(Overlaps(Local), Is.Empty);
        Assert.That(Overlaps(Absolute), Is.Empty);
    }

    [TestCase("releases", "data")]
    [TestCase("current", "logs")]
    public void A_directory_under_releases_or_current_is_moved_next_to_them_under_its_own_name(string managed, string leaf)
    {
        var environment = leaf == "data"
            ? Local with { DataDirectory = $".qtsops/deploy/local/{managed}/data" }
            : Local with { LogDirectory = $".qtsops/deploy/local/{managed}/logs" };
        var key = leaf == "data" ? "dataDirectory" : "logDirectory";

        Assert.That(Overlaps(environment), Is.EqualTo(new[]
        {
            (key, $"'.qtsops/deploy/local/{managed}/{leaf}' is under the deploy directory's {managed}/, which holds the releases: pruning old releases would delete it",
                $"move it out of {managed}/, e.g. \".qtsops/deploy/local/{leaf}\""),
        }));
    }

    [Test]
    public void Config_and_backups_under_releases_are_given_their_own_names_and_a_trailing_slash_is_dropped()
    {
        var environment = Absolute with { DeployDirectory = "/srv/qts/", ConfigDirectory = "/srv/qts/releases/config", BackupDirectory = "/srv/qts/current/backups" };

        Assert.That(Overlaps(environment).Select(o => (o.Key, o.Fix)), Is.EqualTo(new[]
        {
            ("configDirectory", "move it out of releases/, e.g. \"/srv/qts/config\""),
            ("backupDirectory", "move it out of current/, e.g. \"/srv/qts/backups\""),
        }));
    }

    [TestCase("/srv/qts/data/backups", "backupDirectory", "inside", "dataDirectory '/srv/qts/data'", "each backup would archive the earlier backups, and the container could change them")]
    [TestCase("/var/log/qts/backups", "backupDirectory", "inside", "logDirectory '/var/log/qts'", "each directory must hold one kind of file")]
    public void A_backup_directory_inside_another_is_reported_on_the_backups(string backups, string key, string how, string outer, string why)
    {
        Assert.That(Overlaps(Absolute with { BackupDirectory = backups }), Is.EqualTo(new[]
        {
            (key, $"'{backups}' is {how} {outer}: {why}", $"give {key} a directory of its own, outside {outer.Split(' ')[0]}"),
        }));
    }

    [TestCase("DataDirectory", "/var/backups/qts/data", "'/var/backups/qts/data' is inside backupDirectory '/var/backups/qts': backup pruning would delete the data, and a restore would move the backups aside with it",
        "dataDirectory", "backupDirectory")]
    [TestCase("LogDirectory", "/srv/qts/data/logs", "'/srv/qts/data/logs' is inside dataDirectory '/srv/qts/data': backups would archive it with the data, and a restore would move it aside",
        "logDirectory", "dataDirectory")]
    [TestCase("DataDirectory", "/var/log/qts/data", "'/var/log/qts/data' is inside logDirectory '/var/log/qts': a restore moves the data directory aside, so it cannot live in another one",
        "dataDirectory", "logDirectory")]
    [TestCase("ConfigDirectory", "/var/log/qts/config", "'/var/log/qts/config' is inside logDirectory '/var/log/qts': each directory must hold one kind of file",
        "configDirectory", "logDirectory")]
    public void Each_nesting_says_why_it_is_refused(string property, string path, string message, string key, string outer)
    {
        var environment = property switch
        {
            "DataDirectory" => Absolute with { DataDirectory = path },
            "LogDirectory" => Absolute with { LogDirectory = path },
            _ => Absolute with { ConfigDirectory = path },
        };

        Assert.That(Overlaps(environment), Is.EqualTo(new[] { (key, message, $"give {key} a directory of its own, outside {outer}") }));
    }

    [Test]
    public void Equal_directories_are_reported_once_on_the_later_key()
    {
        Assert.That(Overlaps(Absolute with { ConfigDirectory = "/var/log/qts" }), Is.EqualTo(new[]
        {
            ("configDirectory", "'/var/log/qts' is the same directory as logDirectory '/var/log/qts': each directory must hold one kind of file",
                "give configDirectory a directory of its own, outside logDirectory"),
        }));
    }

    [TestCase("/srv/qts/data/app", "inside")]
    [TestCase("/srv/qts/data", "the same directory as")]
    public void A_deploy_directory_inside_data_is_moved_and_data_may_sit_in_it_instead(string deploy, string how)
    {
        Assert.That(Overlaps(Absolute with { DeployDirectory = deploy }).Where(o => o.Key == "deployDirectory"), Is.EqualTo(new[]
        {
            ("deployDirectory", $"'{deploy}' is {how} dataDirectory '/srv/qts/data': the releases would be mixed with what the service and the backups keep there",
                $"move the deploy directory out of dataDirectory (the other way round is fine: dataDirectory may be \"{deploy}/data\")"),
        }));
    }

    [TestCase("/var/log/qts", "logDirectory", "logs")]
    [TestCase("/etc/qts", "configDirectory", "config")]
    [TestCase("/var/backups/qts", "backupDirectory", "backups")]
    public void The_deploy_directory_fix_names_the_directorys_own_leaf(string deploy, string key, string leaf)
    {
        Assert.That(Overlaps(Absolute with { DeployDirectory = deploy }).Single(o => o.Key == "deployDirectory").Fix,
            Is.EqualTo($"move the deploy directory out of {key} (the other way round is fine: {key} may be \"{deploy}/{leaf}\")"));
    }

    // Paths are compared lexically: '.' and '..' resolved, '\' read as '/'.
    [TestCase("/srv/qts/data/x/..")]
    [TestCase("/srv/qts/./data/")]
    [TestCase("/../srv/qts/data")]
    [TestCase("\\srv\\qts\\data")]
    public void The_same_directory_written_another_way_is_still_the_same(string logs)
    {
        Assert.That(Overlaps(Absolute with { LogDirectory = logs }).Select(o => o.Key), Is.EqualTo(new[] { "logDirectory" }));
    }

    [Test]
    public void Each_dot_dot_of_a_relative_path_climbs_one_more_directory()
    {
        // Two directories above the repository: not its own .qtsops/deploy/local/data.
        Assert.That(Overlaps(Local with { BackupDirectory = "../../.qtsops/deploy/local/data/backups" }), Is.Empty);
        Assert.That(Overlaps(Local with { BackupDirectory = "../../shared", LogDirectory = "../../shared/logs" }), Is.EqualTo(new[]
        {
            ("logDirectory", "'../../shared/logs' is inside backupDirectory '../../shared': each directory must hold one kind of file",
                "give logDirectory a directory of its own, outside backupDirectory"),
        }));
    }

    [Test]
    public void A_relative_path_is_never_the_same_as_an_absolute_one()
    {
        Assert.That(Overlaps(Absolute with { LogDirectory = "srv/qts/data", ConfigDirectory = "/srv/qts/releases/../config" }), Is.Empty);
        Assert.That(Overlaps(Local with { LogDirectory = "/.qtsops/deploy/local/data" }), Is.Empty);
    }
}
