using QtsOps.Build.Deployment;
using QtsOps.Tools.Docker;

namespace QtsOps.Tests.Host;

/// <summary>The run's saved images (issue 24's benchmark: the hosts of a group each saved the same image): one save per image and name, whoever asks.</summary>
public class ImageArchivesTests
{
    private static readonly DockerImage Release = new() { Id = "sha256:0123456789abcdef0123" };

    [Test]
    public void Hosts_asking_at_once_for_the_same_image_get_one_archive_saved_once()
    {
        using var archives = new ImageArchives();
        var saves = 0;
        using var started = new ManualResetEventSlim();

        var paths = Enumerable.Range(0, 3).AsParallel().WithDegreeOfParallelism(3).Select(_ => archives.Of("qts-observer:1.2.3", Release, path =>
        {
            Interlocked.Increment(ref saves);
            started.Wait(TimeSpan.FromMilliseconds(200)); // the other hosts ask while this save runs
            File.WriteAllText(path, "image");
        })).ToList();

        Assert.That(saves, Is.EqualTo(1));
        Assert.That(paths.Distinct().ToList(), Has.Count.EqualTo(1));
        Assert.That(File.ReadAllText(paths[0]), Is.EqualTo("image"));
    }

    [Test]
    public void The_same_image_under_another_name_is_saved_again_as_the_archive_names_what_the_host_loads()
    {
        using var archives = new ImageArchives();
        var saved = new List<string>();

        var first = archives.Of("qts-observer:1.2.3", Release, path => { saved.Add(path); File.WriteAllText(path, "1"); });
        var second = archives.Of("qts-observer:latest", Release, path => { saved.Add(path); File.WriteAllText(path, "2"); });

        Assert.That(saved, Is.EqualTo(new[] { first, second }));
        Assert.That(first, Is.Not.EqualTo(second));
    }

    [Test]
    public void The_run_s_end_deletes_every_archive()
    {
        var archives = new ImageArchives();
        var path = archives.Of("qts-observer:1.2.3", Release, path => File.WriteAllText(path, "image"));

        archives.Dispose();

        Assert.That(File.Exists(path), Is.False);
        Assert.That(Directory.Exists(Path.GetDirectoryName(path)), Is.False);
    }
}
