using LibGit2Sharp;

namespace QtsOps.Tests.Support;

/// <summary>A real git repository in a temporary directory, with a QtsOps.sln so the pipeline runs in it.</summary>
public sealed class TempGitRepository : IDisposable
{
    private readonly TempDirectory _directory = new();
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private int _commits;

    public TempGitRepository()
    {
        Repository.Init(Path);
        Git = new Repository(Path);
        Git.Refs.UpdateTarget("HEAD", "refs/heads/main"); // the release branch, whatever init.defaultBranch says
        Git.Config.Set("user.name", "Release Manager");
        Git.Config.Set("user.email", "release@example.invalid");
        _directory.Write("QtsOps.sln", "");
        _directory.Write(".gitignore", "artifacts/\n.qtsops/\n"); // as in the real repository
    }

    public Repository Git { get; }
    public string Path => _directory.Path;
    public string Combine(params string[] parts) => _directory.Combine(parts);
    public string Write(string relativePath, string content) => _directory.Write(relativePath, content);

    /// <summary>Commits everything in the work tree (changing a file so the commit is never empty); returns its SHA.</summary>
    public string Commit(string message)
    {
        _commits++;
        Write($"changes/{_commits}.txt", message);
        Commands.Stage(Git, "*");
        var when = Start.AddMinutes(_commits); // distinct times keep git's time ordering deterministic
        var signature = new Signature("Developer", "dev@example.invalid", when);
        return Git.Commit(message, signature, signature).Sha;
    }

    public void Tag(string name, bool annotated = true, string? commitSha = null)
    {
        var target = commitSha ?? Git.Head.Tip.Sha;
        if (annotated) Git.Tags.Add(name, target, new Signature("Release Manager", "release@example.invalid", Start), $"Release {name}");
        else Git.Tags.Add(name, target);
    }

    public void CreateBranch(string name) => Commands.Checkout(Git, Git.CreateBranch(name));

    public void Checkout(string branch) => Commands.Checkout(Git, Git.Branches[branch]);

    /// <summary>Merges <paramref name="branch"/> into the current branch with a merge commit.</summary>
    public string Merge(string branch)
    {
        _commits++;
        var signature = new Signature("Developer", "dev@example.invalid", Start.AddMinutes(_commits));
        var result = Git.Merge(Git.Branches[branch], signature, new MergeOptions { FastForwardStrategy = FastForwardStrategy.NoFastForward });
        return result.Commit.Sha;
    }

    public string CurrentBranch => Git.Head.FriendlyName;

    private TempDirectory? _origin;

    /// <summary>Pushes the local <paramref name="branches"/> to origin, a bare repository made on first use and removed with this one.</summary>
    public void Publish(params string[] branches)
    {
        if (_origin is null)
        {
            _origin = new TempDirectory();
            Repository.Init(_origin.Path, isBare: true);
            Git.Network.Remotes.Add("origin", _origin.Path);
        }
        Git.Network.Push(Git.Network.Remotes["origin"], branches.Select(branch => $"+refs/heads/{branch}:refs/heads/{branch}"));
    }

    public void Dispose()
    {
        Git.Dispose();
        _directory.Dispose();
        _origin?.Dispose();
    }
}
