using LibGit2Sharp;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Support;

/// <summary>
/// A QtsOps repository in a temp folder (QtsOps.sln marker, the real .gitignore) holding copies of
/// parts of the real one, optionally a git repository, where the real pipeline can run in-process.
/// </summary>
public sealed class ScratchRepository : IDisposable
{
    private readonly TempDirectory _directory = new();

    public ScratchRepository(params string[] copiedPaths)
    {
        _directory.Write("QtsOps.sln", "");
        File.Copy(SourceRepository.Combine(".gitignore"), Combine(".gitignore"));
        foreach (var path in copiedPaths) SourceRepository.CopyTo(path, Combine(path));
    }

    public string Path => _directory.Path;

    public string Combine(string relativePath) => _directory.Combine(relativePath.Split('/'));

    public string Write(string relativePath, string content) => _directory.Write(relativePath, content);

    public string Read(string relativePath) => File.ReadAllText(Combine(relativePath));

    /// <summary>The 1-based numbers of the lines of <paramref name="relativePath"/> that hold <paramref name="text"/>.</summary>
    public IReadOnlyList<int> LinesOf(string relativePath, string text) =>
        Read(relativePath).ReplaceLineEndings("\n").Split('\n').Select((line, index) => (line, index)).Where(l => l.line.Contains(text)).Select(l => l.index + 1).ToList();

    /// <summary>Replaces text that must be in the file, so that a fixture cannot silently stop applying.</summary>
    public void Replace(string relativePath, string oldText, string newText)
    {
        var text = Read(relativePath);
        if (!text.Contains(oldText)) throw new AssertionException($"'{oldText}' is not in {relativePath}");
        File.WriteAllText(Combine(relativePath), text.Replace(oldText, newText));
    }

    /// <summary>Copies every file under <paramref name="directory"/> into the repository, replacing what is there.</summary>
    public void Overlay(string directory)
    {
        foreach (var file in Directory.GetFiles(directory, "*", SearchOption.AllDirectories))
        {
            var target = Combine(System.IO.Path.GetRelativePath(directory, file).Replace('\\', '/'));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>git init and a commit of everything, dated <paramref name="when"/>.</summary>
    public void Commit(DateTimeOffset when, string message = "scratch")
    {
        if (!Repository.IsValid(Path)) Repository.Init(Path);
        using var repository = new Repository(Path);
        Commands.Stage(repository, "*");
        var signature = new Signature("QtsOps Tests", "tests@qtsops.invalid", when);
        repository.Commit(message, signature, signature);
    }

    /// <summary>A lightweight tag on the checked-out commit, e.g. v1.2.3 for a release version.</summary>
    public void Tag(string name)
    {
        using var repository = new Repository(Path);
        repository.ApplyTag(name);
    }

    public HostRun RunPipeline(params string[] args) => InProcessPipeline.Run(Path, args);

    public void Dispose() => _directory.Dispose();
}
