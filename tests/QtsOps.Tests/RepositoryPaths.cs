namespace QtsOps.Tests;

/// <summary>Paths in the repository the tests were built from.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "QtsOps.sln"))) return directory.FullName;
        throw new InvalidOperationException($"No QtsOps.sln above {TestContext.CurrentContext.TestDirectory}.");
    }
}
