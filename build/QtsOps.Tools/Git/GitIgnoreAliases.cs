using Cake.Core;
using Cake.Core.Annotations;

namespace QtsOps.Tools.Git;

[CakeAliasCategory("Git")]
public static class GitIgnoreAliases
{
    /// <summary>
    /// Whether git leaves <paramref name="relativePath"/> out of commits: an ignore rule matches it
    /// and it is not already tracked. Null when <paramref name="repositoryPath"/> is not in a git repository.
    /// </summary>
    [CakeMethodAlias]
    public static Func<string, bool>? GitIgnoreChecker(this ICakeContext context, string repositoryPath)
    {
        if (!context.GitIsRepository(repositoryPath)) return null;
        var workdir = Path.GetFullPath(repositoryPath);
        return relativePath =>
        {
            using var repository = GitAliases.Open(repositoryPath);
            var path = Path.GetRelativePath(repository.Info.WorkingDirectory, Path.Combine(workdir, relativePath)).Replace('\\', '/');
            return repository.Ignore.IsPathIgnored(path) && repository.Index[path] is null;
        };
    }
}
