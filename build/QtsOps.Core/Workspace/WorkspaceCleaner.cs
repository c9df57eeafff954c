namespace QtsOps.Core.Workspace;

/// <summary>
/// What clean removes: build outputs and the caches and logs that running things leaves under src/.
/// State under .qtsops/ and data directories are never touched.
/// </summary>
public static class WorkspaceCleaner
{
    private static readonly string[] CacheDirectoryNames = ["__pycache__", ".pytest_cache", ".terraform"];
    private static readonly string[] CacheFilePatterns = ["*.pyc", "*.pyo", "*.log"];

    /// <returns>The paths removed, relative to <paramref name="repositoryRoot"/>.</returns>
    public static IReadOnlyList<string> Clean(string repositoryRoot)
    {
        var removed = new List<string>();
        var artifacts = Path.Combine(repositoryRoot, "artifacts");
        if (Directory.Exists(artifacts))
        {
            Directory.Delete(artifacts, recursive: true);
            removed.Add("artifacts");
        }

        var source = Path.Combine(repositoryRoot, "src");
        if (!Directory.Exists(source)) return removed;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var directory in CacheDirectoryNames.SelectMany(name => Directory.GetDirectories(source, name, options)).Order())
        {
            if (!Directory.Exists(directory)) continue; // inside one already removed
            Directory.Delete(directory, recursive: true);
            removed.Add(Path.GetRelativePath(repositoryRoot, directory));
        }
        foreach (var file in CacheFilePatterns.SelectMany(pattern => Directory.GetFiles(source, pattern, options)).Order())
        {
            File.Delete(file);
            removed.Add(Path.GetRelativePath(repositoryRoot, file));
        }
        return removed;
    }
}
