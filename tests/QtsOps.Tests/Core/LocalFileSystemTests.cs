using System.Formats.Tar;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

[Category("Core")]
[System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")] // links, modes and rename(2) as a Linux host has them
public class LocalFileSystemTests
{
    [TestCase("link")]
    [TestCase("file")]
    public void Pointing_a_link_elsewhere_replaces_what_a_killed_switch_left_beside_it(string leftover)
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("releases", "1.0.0"));
        Directory.CreateDirectory(dir.Combine("releases", "1.0.1"));
        var current = dir.Combine("current");
        Directory.CreateSymbolicLink(current, "releases/1.0.0");
        // The link a killed switch made (to the release it was switching to), or a file in its place.
        if (leftover == "link") Directory.CreateSymbolicLink(current + ".next", "releases/1.0.1");
        else File.WriteAllText(current + ".next", "half");

        LocalFileSystem.Instance.ReplaceLink(current, "releases/1.0.1");

        Assert.That(LocalFileSystem.Instance.LinkTarget(current), Is.EqualTo("releases/1.0.1"));
        Assert.That(Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "releases", "current" }));
    }

    [Test]
    public void A_link_cannot_replace_a_real_directory_and_the_error_names_both()
    {
        using var dir = new TempDirectory();
        var current = dir.Combine("current");
        dir.Write("current/docker-compose.yml", "made by hand");

        var error = Assert.Throws<IOException>(() => LocalFileSystem.Instance.ReplaceLink(current, "releases/1.0.1"))!;

        Assert.That(error.Message, Is.EqualTo($"Could not point {current} at releases/1.0.1 (errno 21)."));
        Assert.That(File.ReadAllText(dir.Combine("current", "docker-compose.yml")), Is.EqualTo("made by hand"));
    }

    [Test]
    public void A_directory_is_copied_whole_with_its_empty_folders_and_its_file_modes()
    {
        using var dir = new TempDirectory();
        var script = dir.Write("from/bin/start.sh", "#!/bin/sh\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_000); // 0750
        var secret = dir.Write("from/config/private.env", "X=1\n");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        dir.Write("from/docker-compose.yml", "services: {}\n");
        Directory.CreateDirectory(dir.Combine("from", "logs", "empty"));

        LocalFileSystem.Instance.CopyIn(dir.Combine("from"), dir.Combine("to", "copy"));

        var to = dir.Combine("to", "copy");
        Assert.That(Directory.EnumerateFileSystemEntries(to, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(to, p)).Order(StringComparer.Ordinal),
            Is.EqualTo(new[] { "bin", "bin/start.sh", "config", "config/private.env", "docker-compose.yml", "logs", "logs/empty" }));
        Assert.That(File.ReadAllText(Path.Combine(to, "bin", "start.sh")), Is.EqualTo("#!/bin/sh\n"));
        Assert.That(File.GetUnixFileMode(Path.Combine(to, "bin", "start.sh")), Is.EqualTo((UnixFileMode)0b111_101_000));
        Assert.That(File.GetUnixFileMode(Path.Combine(to, "config", "private.env")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void A_folder_or_file_that_does_not_exist_reads_as_nothing()
    {
        using var dir = new TempDirectory();

        Assert.That(LocalFileSystem.Instance.Directories(dir.Combine("releases")), Is.Empty);
        Assert.That(LocalFileSystem.Instance.ReadAllText(dir.Combine("history.jsonl")), Is.Null);
        Assert.That(LocalFileSystem.Instance.LinkTarget(dir.Combine("current")), Is.Null);
        Assert.That(LocalFileSystem.Instance.DirectoryExists(dir.Combine("releases")), Is.False);
    }

    [Test]
    public void The_folders_of_a_directory_are_listed_with_their_times_and_its_files_are_not()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("releases", "1.0.0"));
        dir.Write("releases/1.0.1/f", "x");
        dir.Write("releases/notes.txt", "x");
        Directory.SetLastWriteTimeUtc(dir.Combine("releases", "1.0.0"), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Directory.SetLastWriteTimeUtc(dir.Combine("releases", "1.0.1"), new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));

        Assert.That(LocalFileSystem.Instance.Directories(dir.Combine("releases")), Is.EquivalentTo(new[]
        {
            ("1.0.0", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)), ("1.0.1", new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc)),
        }));
        Assert.That(LocalFileSystem.Instance.ReadAllText(dir.Combine("releases", "notes.txt")), Is.EqualTo("x"));
    }
}
