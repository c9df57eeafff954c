using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Swarm;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>A folder on this machine holding a stack file and the files it names, which `docker stack deploy` reads; deleted when disposed.</summary>
public sealed class LocalStack(StackImages images) : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("qtsops-stack-").FullName;

    /// <summary>The images the stack file pins.</summary>
    public StackImages Images => images;

    public string StackFile => Path.Combine(Directory, SwarmStack.FileName);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>
/// The stack file of a release: written from its package's compose file (<see cref="SwarmStack.Write"/>) into
/// the package as it is installed in releases/&lt;release&gt;/ on the manager's host, and kept there, so that a
/// rollback deploys exactly what the release ran with; read back from there for that.
/// </summary>
public sealed class SwarmStackFiles(DeploySession session)
{
    private DeploymentEnvironment Target => session.Target;
    private IDeploymentHost Host => session.Host;
    private ReleaseStore Store => session.Store;

    /// <summary>
    /// Installs the package as releases/<paramref name="release"/> with its stack file beside its compose file,
    /// and gives back the stack here, for the deploy. A compose file that cannot become a stack file stops it before anything is installed.
    /// </summary>
    /// <param name="version">The version the release runs as, for its labels.</param>
    public LocalStack Install(string packageDirectory, StackRelease release, string version)
    {
        var stack = Write(packageDirectory, release, version);
        foreach (var dropped in stack.Dropped) session.Log.Verbose($"Not on a swarm: {dropped}");
        var local = new LocalStack(StackImages.Of(release));
        try
        {
            CopyDirectory(packageDirectory, local.Directory);
            Write(local, stack.Text, stack.Files);
            Store.Install(local.Directory, release.Release);
            return local;
        }
        catch
        {
            local.Dispose();
            throw;
        }
    }

    /// <summary>The stack file of the release, made from its package's compose file; a compose file that cannot become one stops the run, nothing changed.</summary>
    /// <param name="version">The version the release runs as, for its labels.</param>
    public StackFile Write(string packageDirectory, StackRelease release, string version)
    {
        var composeFile = Path.Combine(packageDirectory, ReleaseCompose.ComposeFile);
        var variables = ReleaseCompose.Variables(Target, Host, Deployment.Edge.SharedVariables(Target, Host), release.Release, version, Target.ContainerName);
        try
        {
            return SwarmStack.Write(Target, release, File.ReadAllText(composeFile), composeFile, variables,
                file => File.Exists(Path.Combine(packageDirectory, file)) ? File.ReadAllText(Path.Combine(packageDirectory, file)) : null);
        }
        catch (StackFileException exception)
        {
            throw new PipelineException($"{exception.Message} Nothing was changed on {Target.Name}.");
        }
    }

    /// <summary>The stack file kept in an installed release, with the files it names, here, for a rollback to deploy again.</summary>
    public LocalStack Kept(string release)
    {
        var folder = Store.PathOf(release);
        var text = KeptText(release);
        var where = Host.Where(KeptPath(release));
        var files = new Dictionary<string, string>();
        foreach (var (file, hash) in SwarmStack.NamedFiles(text, where))
            files[file] = KeptFile(folder, file, hash, release);
        var local = new LocalStack(StackImages.Read(text, where));
        Write(local, text, files);
        return local;
    }

    /// <summary>The text of the stack file kept in an installed release; null when it has none.</summary>
    public string? KeptTextOrNone(string release) => Host.Files.ReadAllText(KeptPath(release));

    private string KeptPath(string release) => Host.Files.Combine(Store.PathOf(release), SwarmStack.FileName);

    private string KeptText(string release) =>
        KeptTextOrNone(release)
            ?? throw new PipelineException($"Release {release} on {Host.Name} has no {SwarmStack.FileName} ({Host.Where(Store.PathOf(release))}): it was not deployed on a swarm, so it cannot be put back here. " +
                "Fix: pick another release with --to=VERSION, or deploy it (check out that version, ./build.sh --target=deploy).");

    /// <summary>
    /// A file the kept stack file names, as it was deployed: its config's name ends with its content's hash, which must match, since
    /// Swarm refuses a config whose name it knows with other content. The host's read gives the lines, so the newline that ended the file is tried back.
    /// </summary>
    private string KeptFile(string folder, string file, string hash, string release)
    {
        var path = Host.Files.Combine(folder, file.StartsWith("./", StringComparison.Ordinal) ? file[2..] : file);
        var text = Host.Files.ReadAllText(path)
            ?? throw new PipelineException($"Release {release} on {Host.Name} has {SwarmStack.FileName} but no {file} beside it ({Host.Where(path)}), which it names. Fix: deploy it again.");
        return new[] { text + "\n", text }.FirstOrDefault(content => SwarmStack.ContentHash(content) == hash)
            ?? throw new PipelineException($"{Host.Where(path)} of release {release} on {Host.Name} is not what its {SwarmStack.FileName} deployed (its name says content hash {hash}): it was changed since. " +
                "Fix: put the file back as it was, or deploy the release again.");
    }

    /// <summary>The images an installed release's kept stack file pins, and where that file is (for messages).</summary>
    public (StackImages Images, string StackFile) ImagesOf(string release)
    {
        var where = Host.Where(KeptPath(release));
        return (StackImages.Read(KeptText(release), where), where);
    }

    private static void Write(LocalStack local, string stackText, IReadOnlyDictionary<string, string> files)
    {
        File.WriteAllText(local.StackFile, stackText);
        foreach (var (name, text) in files)
        {
            var path = Path.GetFullPath(Path.Combine(local.Directory, name));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
