using QtsOps.Build.Deployment;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

/// <summary>The release store as a deploy uses it: what it decides from what it knows, and the host scripts that costs (this machine's sh).</summary>
[Category("Core")]
[System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")] // links and rename(2) as a Linux host has them
public class ReleaseStoreTests
{
    private TempDirectory _dir = null!;
    private LocalDeploymentHost _host = null!;
    private string _package = null!;

    [SetUp]
    public void MakeHostAndPackage()
    {
        _dir = new TempDirectory();
        _host = new LocalDeploymentHost(_dir.Path, _dir.Path);
        _package = Path.GetDirectoryName(_dir.Write("package/f", "x"))!;
    }

    [TearDown]
    public void RemoveThem() => _dir.Dispose();

    /// <summary>A store of the deploy directory, as each run makes its own.</summary>
    private ReleaseStore NewStore() => new(_dir.Combine("deploy"), _host.Files);

    [Test]
    public void After_an_install_the_switch_and_the_prune_read_nothing_back_and_keep_current_and_the_releases_asked_for()
    {
        var store = NewStore();
        var scriptsBefore = _host.Counts.HostScripts;

        store.Install(_package, "5");
        store.Activate("5");
        var removed = store.PruneAfterInstall("5", installedBefore: ["4", "5", "3", "2", "1"], keep: 2, alsoKeep: ["2"]);

        Assert.That(removed, Is.EqualTo(new[] { "3", "1" }), "5, installed now, and 4 are the newest two; 2 was asked for");
        Assert.That(_host.Counts.HostScripts - scriptsBefore, Is.EqualTo(4), "copied in, current switched, two releases removed: nothing read back");
        Assert.That(store.Current, Is.EqualTo("5"));
        Assert.That(store.Installed, Is.EqualTo(new[] { "5" }));
    }

    [Test]
    public void A_release_this_store_installed_names_its_package_until_pruned_and_one_it_did_not_install_none()
    {
        NewStore().Install(_package, "1");
        var store = NewStore();

        store.Install(_package, "2");
        store.Install(_package, "3");
        store.PruneAfterInstall("3", installedBefore: ["2", "1"], keep: 1, alsoKeep: []);

        Assert.That(store.PackageOf("3"), Is.EqualTo(_package), "installed here: its files are read in the package");
        Assert.That(store.PackageOf("2"), Is.Null, "pruned");
        Assert.That(store.PackageOf("1"), Is.Null, "installed by another store (another run): read on the host");
    }

    [Test]
    public void A_release_this_store_did_not_install_is_looked_for_before_current_points_at_it()
    {
        NewStore().Install(_package, "1");
        var store = NewStore();

        Assert.That(() => store.Activate("../package"), Throws.TypeOf<DirectoryNotFoundException>().With.Message.Contains("installed, newest first: 1"));
        var scriptsBefore = _host.Counts.HostScripts;
        store.Activate("1");

        Assert.That(_host.Counts.HostScripts - scriptsBefore, Is.EqualTo(2), "releases/ listed, then the link");
        Assert.That(store.Current, Is.EqualTo("1"));
    }

    [Test]
    public void Releases_installed_in_the_same_second_are_newest_name_first()
    {
        var second = new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);

        Assert.That(ReleaseStore.InstalledOf([("1.0.0", second), ("1.1.0", second), ("0.9.0", second.AddSeconds(-1)), (".1.2.0.partial", second.AddSeconds(1))]),
            Is.EqualTo(new[] { "1.1.0", "1.0.0", "0.9.0" }));
    }

    [Test]
    public void What_cannot_be_installed_or_put_back_is_refused_naming_what_can()
    {
        var store = NewStore();
        var releases = store.ReleasesDirectory;

        Assert.That(() => store.Install(_dir.Combine("no-package"), "1"), Throws.TypeOf<DirectoryNotFoundException>()
            .With.Message.EqualTo($"Package directory {_dir.Combine("no-package")} does not exist."));
        Assert.That(store.NotInstalled("1"), Is.EqualTo($"'1' is not a release installed under {releases} (installed, newest first: none)"));
        store.Install(_package, "1");
        store.Install(_package, "2");
        Assert.That(() => NewStore().Activate("3"), Throws.TypeOf<DirectoryNotFoundException>()
            .With.Message.EqualTo($"'3' is not a release installed under {releases} (installed, newest first: 2, 1)."));
    }

    [Test]
    public void Pruning_never_removes_the_current_release()
    {
        var store = NewStore();
        store.Install(_package, "1");
        store.Activate("1");
        store.Install(_package, "2");

        Assert.That(store.Prune(keep: 0, alsoKeep: []), Is.EqualTo(new[] { "2" }));
        Assert.That(store.Installed, Is.EqualTo(new[] { "1" }));
    }
}
