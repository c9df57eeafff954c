using System.Formats.Tar;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

[Category("Core")]
[System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")] // statx
public class FileKindsTests
{
    [Test]
    public void A_path_that_does_not_exist_has_no_file_type_and_the_error_says_which_and_why()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("gone.jsonl");

        Assert.That(Assert.Throws<IOException>(() => FileKinds.Of(path))!.Message, Is.EqualTo($"Cannot read the file type of {path} (errno 2)."));
    }

    [Test]
    public void A_handle_that_is_no_open_file_has_no_file_type_and_the_error_says_which_and_why()
    {
        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(int.MaxValue, ownsHandle: false);

        Assert.That(Assert.Throws<IOException>(() => FileKinds.Of(handle, "/srv/data/a.jsonl"))!.Message, Is.EqualTo("Cannot read the file type of the open /srv/data/a.jsonl (errno 9)."));
    }

    [Test]
    public void An_open_file_is_the_file_its_path_names_until_the_path_is_replaced()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("a.jsonl", "{}\n");
        using var open = File.OpenHandle(path);
        var looked = FileKinds.Of(path);

        Assert.That(looked.Kind, Is.EqualTo(FileKind.Regular));
        Assert.That(FileKinds.Of(open, path), Is.EqualTo(looked));
        File.Move(path, dir.Combine("old.jsonl"));
        File.WriteAllText(path, "{}\n");
        Assert.That(FileKinds.Of(path), Is.Not.EqualTo(looked), "another file under the same name");
        Assert.That(FileKinds.Of(dir.Path).Kind, Is.EqualTo(FileKind.Directory));
    }
}
