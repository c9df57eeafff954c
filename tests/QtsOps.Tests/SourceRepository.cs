namespace QtsOps.Tests;

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

    /// <summary>Copies a folder of the repository (recursively) to <paramref name="destination"/>.</summary>
    public static void CopyTo(string relativeFolder, string destination)
    {
        var source = Combine(relativeFolder);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            // A developer's own state and values stay out of the copy.
            if (relative.Split(Path.DirectorySeparatorChar).Contains(".terraform") || relative.EndsWith(".tfvars", StringComparison.Ordinal)) continue;
            var target = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
