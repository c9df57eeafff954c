using QtsOps.Build.Deployment;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

[Category("Core")]
[System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")] // links and rename(2) as a Linux host has them
public class EdgeConfigurationTests
{
    [Test]
    public void A_run_killed_after_any_step_of_a_new_configuration_leaves_the_active_link_and_nginx_conf_in_place()
    {
        using var dir = new TempDirectory();
        var edge = dir.Combine("edge");
        Directory.CreateDirectory(edge);
        var host = new LocalDeploymentHost(dir.Path, dir.Path);

        var broken = EdgeConfigurationChecks.RewriteCheckingEveryStep(host, edge);

        Assert.That(broken, Is.Empty, "steps after which a killed run leaves the edge unable to start");
        Assert.That(File.ReadAllText(Path.Combine(edge, SlotLayout.ActiveLink)), Does.Contain("new-a:8000"));
        Assert.That(EdgeConfiguration.Write(host, edge, new SlotLayout("new", "new").ConfigFiles, host.LinkTarget(Path.Combine(edge, SlotLayout.ConfigFolder))), Is.False, "written already");
        Assert.That(Directory.GetFileSystemEntries(edge).Select(Path.GetFileName).Count(), Is.EqualTo(3), "the link, its folder and the active link: no earlier configuration left");
    }

    [Test]
    public void A_conf_folder_written_before_the_link_is_replaced_by_the_link()
    {
        using var dir = new TempDirectory();
        var edge = dir.Combine("edge");
        dir.Write("edge/conf/nginx.conf", "# before conf/ was a link");
        var host = new LocalDeploymentHost(dir.Path, dir.Path);
        var wanted = new SlotLayout("new", "new").ConfigFiles;

        Assert.That(EdgeConfiguration.Write(host, edge, wanted, current: null), Is.True);

        Assert.That(host.LinkTarget(Path.Combine(edge, SlotLayout.ConfigFolder)), Is.EqualTo(EdgeConfiguration.Version(wanted)));
        Assert.That(File.ReadAllText(Path.Combine(edge, SlotLayout.MainConfig)), Is.EqualTo(wanted["nginx.conf"]));
        Assert.That(Directory.GetFileSystemEntries(edge).Select(Path.GetFileName), Is.EquivalentTo(new[] { SlotLayout.ConfigFolder, EdgeConfiguration.Version(wanted) }),
            "the folder moved aside is removed with the other earlier configurations");
    }

    [Test]
    public void The_configuration_written_on_this_machine_before_it_is_put_on_the_host_is_removed()
    {
        using var dir = new TempDirectory();
        var edge = dir.Combine("edge");
        Directory.CreateDirectory(edge);
        var put = new List<string>();
        var files = new EdgeConfigurationChecks.EveryStepChecked(new LocalDeploymentHost(dir.Path, dir.Path),
            step => { if (step.StartsWith("put ", StringComparison.Ordinal)) put.Add(step.Split(' ')[1]); });

        EdgeConfiguration.Write(files, edge, new SlotLayout("new", "new").ConfigFiles, current: null);

        Assert.That(put, Has.Count.EqualTo(1));
        Assert.That(Directory.Exists(put[0]), Is.False, $"{put[0]} is left in the temp folder");
    }
}

/// <summary>Rewrites an edge's configuration through a file system that checks, after every change, what a killed run would leave.</summary>
internal static class EdgeConfigurationChecks
{
    /// <summary>
    /// Writes an "old" configuration and points the active link at its slot a, then writes a "new" one
    /// through <paramref name="files"/>, checking in <paramref name="edge"/> (a folder of this machine,
    /// the host's too) after each step that active.conf and conf/nginx.conf are files. Returns the
    /// steps after which they were not.
    /// </summary>
    public static List<string> RewriteCheckingEveryStep(IHostFileSystem files, string edge)
    {
        EdgeConfiguration.Write(files, edge, new SlotLayout("old", "old").ConfigFiles, current: null);
        files.ReplaceLink(files.Combine(edge, SlotLayout.ActiveLink), SlotLayout.SlotConfig(Slot.A));
        var broken = new List<string>();
        var checkedFiles = new EveryStepChecked(files, step =>
        {
            var missing = new[] { SlotLayout.ActiveLink, SlotLayout.MainConfig }.Where(name => !Readable(Path.Combine(edge, name))).ToList();
            if (missing.Count > 0) broken.Add($"{step}: {string.Join(", ", missing)} missing");
        });
        Assert.That(EdgeConfiguration.Write(checkedFiles, edge, new SlotLayout("new", "new").ConfigFiles, files.LinkTarget(files.Combine(edge, SlotLayout.ConfigFolder))), Is.True);
        return broken;
    }

    /// <summary>Whether the file, followed through its links, can be read (File.Exists is true for a dangling link).</summary>
    private static bool Readable(string path)
    {
        try
        {
            File.ReadAllText(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>A file system that calls <paramref name="check"/> with each change it made ("put LOCAL to PATH", "link ...").</summary>
    internal sealed class EveryStepChecked(IHostFileSystem inner, Action<string> check) : IHostFileSystem
    {
        private void Step(string what, Action change)
        {
            change();
            check(what);
        }

        public string Combine(string directory, string name) => inner.Combine(directory, name);
        public bool DirectoryExists(string path) => inner.DirectoryExists(path);
        public string? LinkTarget(string path) => inner.LinkTarget(path);
        public void ReplaceLink(string link, string target) => Step($"link {link} to {target}", () => inner.ReplaceLink(link, target));
        public void PutDirectory(string localDirectory, string path, string staging) => Step($"put {localDirectory} to {path}", () => inner.PutDirectory(localDirectory, path, staging));
        public void CopyDirectory(string from, string to) => Step($"copy {from} to {to}", () => inner.CopyDirectory(from, to));
        public void CreateDirectory(string path) => Step($"create {path}", () => inner.CreateDirectory(path));
        public void DeleteDirectory(string path) => Step($"delete {path}", () => inner.DeleteDirectory(path));
        public void MoveDirectory(string from, string to) => Step($"move {from} to {to}", () => inner.MoveDirectory(from, to));
        public IReadOnlyList<(string Name, DateTime LastWriteUtc)> Directories(string path) => inner.Directories(path);
        public string? ReadAllText(string path) => inner.ReadAllText(path);
        public void AppendLine(string path, string line) => Step($"append to {path}", () => inner.AppendLine(path, line));
    }
}
