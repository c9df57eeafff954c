using System.Formats.Tar;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class ReleaseStoreTests
{
    [Test]
    public void Installing_and_activating_switch_current_and_leave_shared_folders_alone()
    {
        using var dir = new TempDirectory();
        dir.Write("package/docker-compose.yml", "v1");
        var store = new ReleaseStore(dir.Combine("deploy"));
        dir.Write("deploy/data/records.jsonl", "{}\n");

        store.Install(dir.Combine("package"), "1.0.0");
        store.Activate("1.0.0");
        dir.Write("package/docker-compose.yml", "v2");
        store.Install(dir.Combine("package"), "1.0.1");
        store.Activate("1.0.1");

        Assert.That(store.Current, Is.EqualTo("1.0.1"));
        Assert.That(File.ReadAllText(Path.Combine(dir.Combine("deploy/current"), "docker-compose.yml")), Is.EqualTo("v2"));
        Assert.That(File.ReadAllText(Path.Combine(store.PathOf("1.0.0"), "docker-compose.yml")), Is.EqualTo("v1"));
        Assert.That(File.Exists(dir.Combine("deploy/data/records.jsonl")), Is.True);
    }

    [Test]
    public void Pruning_keeps_the_current_release_and_the_ones_asked_for()
    {
        using var dir = new TempDirectory();
        dir.Write("package/f", "x");
        var store = new ReleaseStore(dir.Combine("deploy"));
        foreach (var release in new[] { "1", "2", "3", "4" })
        {
            store.Install(dir.Combine("package"), release);
            Directory.SetLastWriteTimeUtc(store.PathOf(release), new DateTime(2026, 1, int.Parse(release)));
        }
        store.Activate("1");

        var removed = store.Prune(keep: 1, alsoKeep: ["2"]);

        Assert.That(removed, Is.EqualTo(new[] { "3" }));
        Assert.That(Directory.GetDirectories(store.ReleasesDirectory).Select(Path.GetFileName), Is.EquivalentTo(new[] { "1", "2", "4" }));
    }

    [Test]
    public void Only_a_name_in_releases_is_an_installed_release_never_a_path()
    {
        using var dir = new TempDirectory();
        dir.Write("package/f", "x");
        var store = new ReleaseStore(dir.Combine("deploy"));
        store.Install(dir.Combine("package"), "1.0.0");
        Directory.SetLastWriteTimeUtc(store.PathOf("1.0.0"), new DateTime(2026, 1, 1));
        store.Install(dir.Combine("package"), "1.1.0");
        dir.Write("deploy/data/records.jsonl", "{}\n");
        dir.Write("deploy/releases/.1.2.0.partial/f", "half a copy");

        Assert.That(store.Installed, Is.EqualTo(new[] { "1.1.0", "1.0.0" }), "newest install first, a partial copy is no release");
        Assert.That(store.IsInstalled("1.0.0"), Is.True);
        foreach (var path in new[] { "../data", dir.Combine("deploy/data"), dir.Combine("package"), "1.0.0/..", ".", "..", ".1.2.0.partial", "" })
            Assert.That(store.IsInstalled(path), Is.False, path);
        Assert.That(store.NotInstalled("../data"), Is.EqualTo($"'../data' is not a release installed under {store.ReleasesDirectory} (installed, newest first: 1.1.0, 1.0.0)"));
        Assert.That(() => store.Activate("../data"), Throws.TypeOf<DirectoryNotFoundException>());
        Assert.That(store.Current, Is.Null, "nothing was activated");
    }

    [Test]
    public void An_install_replaces_the_partial_copy_a_killed_install_left()
    {
        using var dir = new TempDirectory();
        dir.Write("package/docker-compose.yml", "v1");
        dir.Write("deploy/releases/.1.0.0.partial/docker-compose.yml", "half");
        dir.Write("deploy/releases/.1.0.0.partial/stale.txt", "from the killed install");
        var store = new ReleaseStore(dir.Combine("deploy"));

        var path = store.Install(dir.Combine("package"), "1.0.0");

        Assert.That(path, Is.EqualTo(dir.Combine("deploy", "releases", "1.0.0")));
        Assert.That(Directory.GetFiles(path).Select(Path.GetFileName), Is.EqualTo(new[] { "docker-compose.yml" }));
        Assert.That(File.ReadAllText(Path.Combine(path, "docker-compose.yml")), Is.EqualTo("v1"));
        Assert.That(Directory.GetDirectories(store.ReleasesDirectory).Select(Path.GetFileName), Is.EqualTo(new[] { "1.0.0" }));
    }

    [Test]
    public void Installing_a_release_again_replaces_its_copy_and_makes_it_the_newest_install()
    {
        using var dir = new TempDirectory();
        dir.Write("package/docker-compose.yml", "v1");
        dir.Write("package/removed-later.txt", "x");
        var store = new ReleaseStore(dir.Combine("deploy"));
        store.Install(dir.Combine("package"), "1.0.0");
        Directory.SetLastWriteTimeUtc(store.PathOf("1.0.0"), new DateTime(2026, 1, 1));
        store.Install(dir.Combine("package"), "1.0.1");
        Directory.SetLastWriteTimeUtc(store.PathOf("1.0.1"), new DateTime(2026, 1, 2));
        File.Delete(dir.Combine("package", "removed-later.txt"));
        dir.Write("package/docker-compose.yml", "v1 again");

        store.Install(dir.Combine("package"), "1.0.0");

        Assert.That(Directory.GetFiles(store.PathOf("1.0.0")).Select(Path.GetFileName), Is.EqualTo(new[] { "docker-compose.yml" }));
        Assert.That(File.ReadAllText(Path.Combine(store.PathOf("1.0.0"), "docker-compose.yml")), Is.EqualTo("v1 again"));
        Assert.That(store.Installed, Is.EqualTo(new[] { "1.0.0", "1.0.1" }));
    }

    [Test]
    public void Releases_installed_at_the_same_time_are_listed_by_name_newest_first()
    {
        using var dir = new TempDirectory();
        dir.Write("package/f", "x");
        var store = new ReleaseStore(dir.Combine("deploy"));
        foreach (var release in new[] { "1.0.1", "1.0.0", "1.0.2" })
        {
            store.Install(dir.Combine("package"), release);
            Directory.SetLastWriteTimeUtc(store.PathOf(release), new DateTime(2026, 1, 1));
        }

        Assert.That(store.Installed, Is.EqualTo(new[] { "1.0.2", "1.0.1", "1.0.0" }));
    }

    [Test]
    public void A_release_that_is_not_installed_is_refused_naming_the_installed_ones_or_none()
    {
        using var dir = new TempDirectory();
        dir.Write("package/f", "x");
        var store = new ReleaseStore(dir.Combine("deploy"));

        Assert.That(store.NotInstalled("1.0.0"), Is.EqualTo($"'1.0.0' is not a release installed under {store.ReleasesDirectory} (installed, newest first: none)"));
        store.Install(dir.Combine("package"), "1.0.0");
        Assert.That(Assert.Throws<DirectoryNotFoundException>(() => store.Activate("2.0.0"))!.Message,
            Is.EqualTo($"'2.0.0' is not a release installed under {store.ReleasesDirectory} (installed, newest first: 1.0.0)."));
    }

    [Test]
    public void A_package_directory_that_does_not_exist_is_refused_before_anything_is_written()
    {
        using var dir = new TempDirectory();
        var store = new ReleaseStore(dir.Combine("deploy"));

        Assert.That(Assert.Throws<DirectoryNotFoundException>(() => store.Install(dir.Combine("package"), "1.0.0"))!.Message,
            Is.EqualTo($"Package directory {dir.Combine("package")} does not exist."));
        Assert.That(Directory.Exists(dir.Combine("deploy")), Is.False);
    }

    [Test]
    public void A_deploy_directory_on_a_docker_host_is_written_there_never_on_this_machine()
    {
        using var dir = new TempDirectory();
        dir.Write("package/docker-compose.yml", "v1");
        var store = new ReleaseStore(HostFolder.Root + "/deploy", new HostFolder(dir.Combine("host")));

        store.Install(dir.Combine("package"), "1.0.0");
        store.Activate("1.0.0");

        Assert.That(store.Current, Is.EqualTo("1.0.0"));
        Assert.That(store.PathOf("1.0.0"), Is.EqualTo(HostFolder.Root + "/deploy/releases/1.0.0"));
        Assert.That(File.ReadAllText(dir.Combine("host", "deploy", "releases", "1.0.0", "docker-compose.yml")), Is.EqualTo("v1"));
        Assert.That(new FileInfo(dir.Combine("host", "deploy", "current")).LinkTarget, Is.EqualTo("releases/1.0.0"), "relative: it points into the host's own tree");
    }
}
