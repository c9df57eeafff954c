using QtsOps.Core.Workspace;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class WorkspaceCleanerTests
{
    /// <summary>Every file and link under <paramref name="root"/>, relative, never following a link.</summary>
    private static string[] Left(string root) => [.. Walk(root).Select(path => Path.GetRelativePath(root, path)).Order(StringComparer.Ordinal)];

    private static IEnumerable<string> Walk(string directory) =>
        Directory.EnumerateFileSystemEntries(directory, "*", new EnumerationOptions { AttributesToSkip = 0 })
            .SelectMany(path => Directory.Exists(path) && new FileInfo(path).LinkTarget is null ? Walk(path) : [path]);

    [Test]
    public void Clean_removes_the_build_outputs_and_the_caches_and_logs_under_src_and_says_which_in_path_order()
    {
        using var repo = new TempDirectory();
        repo.Write("artifacts/reports/verify.json", "{}");
        repo.Write("src/app/main.py", "print()");
        repo.Write("src/app/__pycache__/main.cpython-312.pyc", "x");
        repo.Write("src/app/helper.pyc", "x");
        repo.Write("src/app/helper.pyo", "x");
        repo.Write("src/tests/.pytest_cache/v/cache/lastfailed", "{}");
        repo.Write("src/infra/main.tf", "terraform {}");
        repo.Write("src/infra/.terraform/providers/p", "x");
        repo.Write("src/infra/.terraform/modules/__pycache__/m.pyc", "x"); // inside a cache removed whole
        repo.Write("src/logs/service.log", "x");
        repo.Write("src/data/observations.jsonl", "{}\n");
        repo.Write(".qtsops/history/local.jsonl", "{}\n");
        repo.Write(".qtsops/deploy/local/data/__pycache__/kept.pyc", "x");
        repo.Write("build.log", "x");

        var removed = WorkspaceCleaner.Clean(repo.Path);

        Assert.That(removed, Is.EqualTo(new[]
        {
            "artifacts", "src/app/__pycache__", "src/infra/.terraform", "src/tests/.pytest_cache",
            "src/app/helper.pyc", "src/app/helper.pyo", "src/logs/service.log",
        }));
        Assert.That(Left(repo.Path), Is.EqualTo(new[]
        {
            ".qtsops/deploy/local/data/__pycache__/kept.pyc", ".qtsops/history/local.jsonl", "build.log",
            "src/app/main.py", "src/data/observations.jsonl", "src/infra/main.tf",
        }));
        Assert.That(WorkspaceCleaner.Clean(repo.Path), Is.Empty, "a clean workspace has nothing to remove");
    }

    [Test]
    public void Clean_never_follows_a_link_out_of_src()
    {
        using var repo = new TempDirectory();
        repo.Write("elsewhere/__pycache__/x.pyc", "x");
        repo.Write("elsewhere/run.log", "x");
        repo.Write("src/app/main.py", "print()");
        Directory.CreateSymbolicLink(repo.Combine("src", "linked"), repo.Combine("elsewhere"));
        Directory.CreateSymbolicLink(repo.Combine("src", "__pycache__"), repo.Combine("elsewhere", "__pycache__"));
        File.CreateSymbolicLink(repo.Combine("src", "app", "latest.log"), repo.Combine("elsewhere", "run.log"));

        var removed = WorkspaceCleaner.Clean(repo.Path);

        Assert.That(removed, Is.Empty);
        Assert.That(Left(repo.Path), Is.EqualTo(new[] { "elsewhere/__pycache__/x.pyc", "elsewhere/run.log", "src/__pycache__", "src/app/latest.log", "src/app/main.py", "src/linked" }));
    }

    [Test]
    public void Clean_of_a_workspace_without_src_removes_the_artifacts_only()
    {
        using var repo = new TempDirectory();
        repo.Write("artifacts/package/deploy.tar.gz", "x");
        repo.Write("app.log", "x");

        Assert.That(WorkspaceCleaner.Clean(repo.Path), Is.EqualTo(new[] { "artifacts" }));
        Assert.That(Left(repo.Path), Is.EqualTo(new[] { "app.log" }));
    }
}
