using System.Net;
using System.Net.Sockets;
using LibGit2Sharp;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>The release target end to end: a real repository, a bare remote, the real pipeline and the real git.</summary>
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

    private HostRun Release(params string[] args) => InProcessPipeline.Run(_repo.Path, ["--target=release", .. args]);

    private string Head => _repo.Git.Head.Tip.Sha;

    [Test]
    public void With_a_signing_key_the_tag_is_ssh_signed_and_git_verifies_it_against_allowed_signers()
    {
        using var keys = new TempDirectory();
        var key = keys.Combine("release");
        QtsOps.Tests.Docker.Command.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "rm", "-f", key).EnsureSuccess("ssh-keygen");
        var allowed = keys.Write("allowed_signers", $"rm@qtsops.test {File.ReadAllText(key + ".pub").Trim()}\n");

        HostRun run;
        using (new EnvironmentVariableScope().Set("QTSOPS_SIGNING_KEY", null).Set("QTSOPS_SIGNING_KEY_FILE", key))
            run = Release("--bump=patch");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var verify = QtsOps.Tests.Docker.Command.Run("git", "-C", _repo.Path, "-c", $"gpg.ssh.allowedSignersFile={allowed}", "tag", "-v", "v1.2.4");
        Assert.That(verify.ExitCode, Is.Zero, verify.Error);
        Assert.That(verify.Error, Does.Contain("Good \"git\" signature for rm@qtsops.test"));
        Assert.That(_repo.Git.Tags["v1.2.4"].PeeledTarget.Sha, Is.EqualTo(Head));
    }

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

        var run = InProcessPipeline.Run(_repo.Path, ["--target=version-probe"], typeof(VersionProbeTask));

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
    public void A_version_tagged_on_another_branch_is_above_the_next_release_too()
    {
        // v1.4.0 was released from a maintenance branch: main's history does not reach it.
        _repo.CreateBranch("maintenance");
        _repo.Commit("fix: backport");
        _repo.Tag("v1.4.0");
        _repo.Checkout("main");
        var before = Head;

        var refused = Release("--bump=minor");

        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Error, Does.Contain("1.3.0 is not above the last version 1.4.0 (v1.4.0, a tag that is not in the history of HEAD").And.Contain("--version"));
        Assert.That(Head, Is.EqualTo(before), "no commit");
        Assert.That(_repo.Git.Tags.Select(t => t.FriendlyName), Is.EquivalentTo(new[] { "v1.2.3", "v1.4.0" }), "no tag");

        Assert.That(Release("--version=1.5.0").ExitCode, Is.Zero);
        Assert.That(_repo.Git.Tags["v1.5.0"], Is.Not.Null);
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
        Assert.That(run.Output, Does.Contain("git tag -a v1.3.0").And.Contain("git push --atomic origin refs/heads/main refs/tags/v1.3.0"));
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

    /// <summary>The update hook judges each reference on its own: only --atomic keeps the tag out when the branch is refused.</summary>
    [TestCase("pre-receive")]
    [TestCase("update")]
    public void A_refused_branch_keeps_the_tag_off_the_remote_too(string hook)
    {
        ProtectMainOnTheRemote(hook);

        var run = Release("--bump=minor", "--push");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("v1.3.0 is cut here, but the push to origin failed, so origin has neither the main update nor v1.3.0 (the push is atomic)"));
        Assert.That(run.Error, Does.Contain("main is protected").And.Contain("git push --atomic origin refs/heads/main refs/tags/v1.3.0").And.Contain("git tag -d v1.3.0"));
        using var remote = new Repository(_remoteDirectory.Path);
        Assert.That(remote.Refs, Is.Empty, "neither the branch nor the tag landed");
        Assert.That(_repo.Git.Tags["v1.3.0"], Is.Not.Null, "the release stays cut here, to push once the cause is fixed");
        Assert.That(File.ReadAllText(_repo.Combine("artifacts/reports/release.json")), Does.Contain("\"pushed\": false"));
    }

    [Test]
    public void A_version_another_clone_released_is_refused_before_anything_is_created()
    {
        var before = Head;
        _repo.Git.Network.Push(_repo.Git.Network.Remotes["origin"], "refs/heads/main");
        using var other = new TempDirectory();
        using (var clone = new Repository(Repository.Clone(_remoteDirectory.Path, other.Combine("clone"))))
        {
            clone.Tags.Add("v1.3.0", clone.Branches["origin/main"].Tip, new Signature("Someone Else", "else@example.invalid", DateTimeOffset.Now), "Release v1.3.0");
            clone.Network.Push(clone.Network.Remotes["origin"], "refs/tags/v1.3.0");
        }

        var run = Release("--bump=patch", "--push");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("1.2.4 is not above 1.3.0, which origin has (tag v1.3.0)").And.Contain("git pull --tags origin main"));
        Assert.That(Head, Is.EqualTo(before), "no commit");
        Assert.That(_repo.Git.Tags.Select(t => t.FriendlyName), Is.EquivalentTo(new[] { "v1.2.3" }), "no tag, and none fetched");
        Assert.That(File.Exists(_repo.Combine("CHANGELOG.md")), Is.False);
    }

    [Test]
    public void A_token_is_never_sent_to_an_http_origin()
    {
        var token = $"ghp_{Guid.NewGuid():N}";
        var before = Head;
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;
        _repo.Git.Network.Remotes.Update("origin", r => r.Url = $"http://release:{"url-password"}@127.0.0.1:{port}/qtsops.git"); // built, so that the scanner sees no literal credential
        using var environment = new EnvironmentVariableScope().Set("QTSOPS_GIT_TOKEN", token);

        var run = Release("--bump=minor", "--push");

        AssertRefused(run, before, $"QTSOPS_GIT_TOKEN is set and origin is http://127.0.0.1:{port}/qtsops.git: the token goes to an https:// origin only", "git remote set-url origin https://");
        Assert.That(server.Pending(), Is.False, "nothing connected to the origin");
        Assert.That(run.Output + run.Error, Does.Not.Contain(token).And.Not.Contain("url-password"));
    }

    [Test]
    public void Push_without_an_origin_is_refused_before_anything_is_committed()
    {
        var before = Head;
        _repo.Git.Network.Remotes.Remove("origin");

        AssertRefused(Release("--bump=minor", "--push"), before, "--push needs a remote 'origin'", "git remote add origin URL");
    }

    /// <summary>SSH through git's own transport; the ssh program is a stand-in that runs git's remote command here (the network stays untouched).</summary>
    [Test]
    public void An_ssh_origin_is_pushed_like_any_other()
    {
        using var tools = new TempDirectory();
        var ssh = WriteScript(tools.Combine("fake-ssh"), "#!/bin/sh\n# git calls: fake-ssh HOST COMMAND\nfor command; do :; done\nexec sh -c \"$command\"\n");
        using var environment = new EnvironmentVariableScope().Set("GIT_SSH_COMMAND", ssh).Set("GIT_SSH_VARIANT", "simple");
        _repo.Git.Network.Remotes.Update("origin", r => r.Url = $"ssh://git@localhost{_remoteDirectory.Path}");

        var run = Release("--bump=minor", "--push");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        using var remote = new Repository(_remoteDirectory.Path);
        Assert.That(remote.Refs["refs/tags/v1.3.0"], Is.Not.Null);
        Assert.That(remote.Branches["main"].Tip.Sha, Is.EqualTo(Head));
    }

    [Test]
    public void Neither_bump_nor_version_is_a_usage_error()
    {
        var run = Release();

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("exactly one of --bump=major|minor|patch or --version=X.Y.Z"));
    }

    /// <summary>A hook on the remote that refuses any update of main, as a protected branch does; written for pre-receive (references on stdin) and update (the reference as $1).</summary>
    private void ProtectMainOnTheRemote(string hook)
    {
        WriteScript(Path.Combine(_remoteDirectory.Path, "hooks", hook), """
            #!/bin/sh
            if [ -n "$1" ]; then references="$1"; else references=$(cut -d' ' -f3); fi
            case "$references" in *refs/heads/main*) echo "main is protected: merge through a pull request" >&2; exit 1;; esac
            """ + "\n");
    }

    private static string WriteScript(string path, string text)
    {
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
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
