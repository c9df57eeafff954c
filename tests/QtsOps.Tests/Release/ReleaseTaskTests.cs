using LibGit2Sharp;
using QtsOps.Tests.Build;
using QtsOps.Tests.Host;
using QtsOps.Tests.Versioning;

namespace QtsOps.Tests.Release;

/// <summary>The release target end to end: a real repository, a bare remote, the real pipeline.</summary>
public class ReleaseTaskTests
{
    private TempGitRepository _repo = null!;
    private TempDirectory _remoteDirectory = null!;

    [SetUp]
    public void CreateRepositoryWithRemote()
    {
        _repo = new TempGitRepository();
        _repo.Commit("feat: first service");
        _repo.Tag("v1.2.3");
        _repo.Commit("feat(observer): record snapshots every minute");
        _repo.Commit("fix: close the data file on SIGTERM");
        _repo.Commit("docs: explain the volumes");
        _remoteDirectory = new TempDirectory();
        Repository.Init(_remoteDirectory.Path, isBare: true);
        _repo.Git.Network.Remotes.Add("origin", _remoteDirectory.Path);
    }

    [TearDown]
    public void Remove()
    {
        _repo.Dispose();
        _remoteDirectory.Dispose();
    }

    private HostRun Release(params string[] args) => Pipeline.Run(_repo.Path, ["--target=release", .. args]);

    private string Head => _repo.Git.Head.Tip.Sha;

    [Test]
    public void Bump_minor_commits_the_changelog_tags_pushes_and_writes_the_notes()
    {
        var run = Release("--bump=minor", "--push");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var head = _repo.Git.Head.Tip;
        Assert.That(head.MessageShort, Is.EqualTo("chore(release): v1.3.0"));
        var tag = _repo.Git.Tags["v1.3.0"];
        Assert.That(tag.IsAnnotated, Is.True);
        Assert.That(tag.PeeledTarget.Sha, Is.EqualTo(head.Sha));

        var changelog = File.ReadAllText(_repo.Combine("CHANGELOG.md"));
        Assert.That(changelog, Does.StartWith("# Changelog"));
        Assert.That(changelog, Does.Contain("## 1.3.0 (").And.Contain("### Features\n\n- **observer:** record snapshots every minute ("));
        Assert.That(changelog, Does.Contain("### Fixes\n\n- close the data file on SIGTERM ("));
        Assert.That(changelog, Does.Contain("### Other\n\n- docs: explain the volumes ("));
        Assert.That(changelog, Does.Not.Contain("first service"), "commits before v1.2.3 are not in this release");
        Assert.That(_repo.Git.RetrieveStatus().IsDirty, Is.False, "CHANGELOG.md is committed");

        using var remote = new Repository(_remoteDirectory.Path);
        Assert.That(remote.Refs["refs/tags/v1.3.0"], Is.Not.Null, "tag pushed");
        Assert.That(remote.Branches["main"].Tip.Sha, Is.EqualTo(head.Sha), "branch pushed");

        var notes = File.ReadAllText(_repo.Combine("artifacts/release/notes.md"));
        Assert.That(notes, Does.StartWith("## 1.3.0 (").And.Contain("record snapshots every minute"));
        Assert.That(File.ReadAllText(_repo.Combine("artifacts/reports/release.json")), Does.Contain("\"tag\": \"v1.3.0\"").And.Contain("\"pushed\": true"));
    }

    [Test]
    public void After_the_release_the_commit_is_the_released_version()
    {
        Assert.That(Release("--version=1.4.0").ExitCode, Is.Zero);

        var run = Pipeline.Run(_repo.Path, ["--target=version-probe"], typeof(VersionProbeTask));

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(VersionProbeTask.Seen!.Version.ToString(), Is.EqualTo("1.4.0"));
        Assert.That(VersionProbeTask.Seen.IsRelease, Is.True);
    }

    [Test]
    public void A_second_release_goes_above_the_first_in_the_changelog()
    {
        Assert.That(Release("--bump=patch").ExitCode, Is.Zero);
        _repo.Commit("perf: read the config once");

        var run = Release("--bump=patch");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var changelog = File.ReadAllText(_repo.Combine("CHANGELOG.md"));
        Assert.That(changelog.IndexOf("## 1.2.5", StringComparison.Ordinal), Is.LessThan(changelog.IndexOf("## 1.2.4", StringComparison.Ordinal)));
        Assert.That(changelog, Does.Contain("### Performance\n\n- read the config once ("));
    }

    [Test]
    public void A_dirty_tree_is_refused_and_nothing_changes()
    {
        var before = Head;
        _repo.Write("notes.txt", "not committed");

        AssertRefused(Release("--bump=minor", "--push"), before, "uncommitted changes", "Commit or stash");
    }

    [Test]
    public void Another_branch_is_refused_and_the_release_branch_setting_allows_it()
    {
        var before = Head;
        _repo.CreateBranch("feature");

        AssertRefused(Release("--bump=minor"), before, "Releases are cut on 'main', and this is 'feature'", "git checkout main");

        Assert.That(Release("--bump=minor", "--release-branch=feature").ExitCode, Is.Zero);
        Assert.That(_repo.Git.Tags["v1.3.0"], Is.Not.Null);
    }

    [Test]
    public void An_existing_tag_is_refused()
    {
        var before = Head;
        _repo.Tag("v1.3.0", commitSha: _repo.Git.Head.Tip.Parents.First().Sha);

        var run = Release("--version=v1.3.0");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("The tag v1.3.0 exists already"));
        Assert.That(Head, Is.EqualTo(before));
        Assert.That(File.Exists(_repo.Combine("CHANGELOG.md")), Is.False);
    }

    [Test]
    public void Dry_run_shows_the_version_changelog_and_commands_and_changes_nothing()
    {
        var before = Head;

        var run = Release("--bump=minor", "--push", "--dryrun");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Output, Does.Contain("Would release 1.3.0: 3 change(s) since v1.2.3."));
        Assert.That(run.Output, Does.Contain("### Features").And.Contain("record snapshots every minute"));
        Assert.That(run.Output, Does.Contain("git tag -a v1.3.0").And.Contain("git push origin refs/heads/main refs/tags/v1.3.0"));
        AssertNothingReleased(before);
        Assert.That(File.Exists(_repo.Combine("artifacts/release/notes.md")), Is.False);
    }

    [Test]
    public void Dry_run_reports_a_refusal_as_a_failure()
    {
        _repo.Write("notes.txt", "not committed");

        var run = Release("--bump=minor", "--dryrun");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("uncommitted changes"));
    }

    [Test]
    public void Push_to_an_ssh_remote_is_refused_before_anything_is_committed()
    {
        var before = Head;
        _repo.Git.Network.Remotes.Update("origin", r => r.Url = "git@github.com:example/qtsops.git");

        AssertRefused(Release("--bump=minor", "--push"), before, "cannot use the SSH remote origin", "Release without --push");
    }

    [Test]
    public void Neither_bump_nor_version_is_a_usage_error()
    {
        var run = Release();

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("exactly one of --bump=major|minor|patch or --version=X.Y.Z"));
    }

    private void AssertRefused(HostRun run, string headBefore, params string[] messageParts)
    {
        Assert.That(run.ExitCode, Is.EqualTo(1));
        foreach (var part in messageParts) Assert.That(run.Error, Does.Contain(part));
        AssertNothingReleased(headBefore);
    }

    private void AssertNothingReleased(string headBefore)
    {
        Assert.That(Head, Is.EqualTo(headBefore), "no commit");
        Assert.That(_repo.Git.Tags.Select(t => t.FriendlyName), Is.EquivalentTo(new[] { "v1.2.3" }), "no tag");
        Assert.That(File.Exists(_repo.Combine("CHANGELOG.md")), Is.False, "no changelog");
        using var remote = new Repository(_remoteDirectory.Path);
        Assert.That(remote.Refs, Is.Empty, "nothing pushed");
    }
}
