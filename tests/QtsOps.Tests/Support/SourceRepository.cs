namespace QtsOps.Tests.Support;

/// <summary>The QtsOps repository the tests were built from.</summary>
public static class SourceRepository
{
    public static string Root { get; } = Find(TestContext.CurrentContext.TestDirectory);

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "QtsOps.sln"))) return directory.FullName;
        throw new InvalidOperationException($"No QtsOps.sln above {start}.");
    }

    /// <summary>Build and run-time output and a developer's own state, which never belong in a copy.</summary>
    private static readonly string[] SkippedDirectories = ["bin", "obj", "__pycache__", "data", "logs", ".terraform", ".pytest_cache"];

    /// <summary>
    /// Copies a file or a folder (recursively) of the repository to <paramref name="destination"/>,
    /// leaving out run-time output and a developer's own values (*.tfvars).
    /// </summary>
    public static void CopyTo(string relativePath, string destination)
    {
        var source = Combine(relativePath);
        if (File.Exists(source))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(source, destination);
            return;
        }
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar)[..^1].Any(SkippedDirectories.Contains) || relative.EndsWith(".tfvars", StringComparison.Ordinal)) continue;
            var target = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
