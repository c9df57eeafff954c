using Cake.Core.Diagnostics;
using QtsOps.Build;
using QtsOps.Host;
using QtsOps.Core.Secrets;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>Stands in for image: shows the source URL the image's labels and build arguments get.</summary>
[TaskName("source-url-probe")]
public sealed class SourceUrlProbeTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => context.Log.Information($"source: {context.SourceUrl}");
}

public class UrlUserInfoTests
{
    // Assembled so that this file holds no URL with a credential.
    private static readonly string Credential = "ghs" + "-not-a-real-" + "token";

    [Category("Core")] // the pipeline test below is not: it runs the host in a git repository
    [TestCase("https://{0}@github.com/o/r.git", "https://github.com/o/r.git")]
    [TestCase("https://ci-bot:{0}@github.com/o/r.git", "https://github.com/o/r.git")]
    [TestCase("ssh://git:{0}@host:22/r", "ssh://host:22/r")]
    [TestCase("cannot push to https://u:{0}@host/r (rejected)", "cannot push to https://host/r (rejected)")]
    [TestCase("https://github.com/o/r.git", "https://github.com/o/r.git")]
    [TestCase("git@github.com:o/r.git", "git@github.com:o/r.git")]
    public void User_info_is_removed_from_every_url_in_the_text(string written, string expected)
    {
        Assert.That(UrlUserInfo.Remove(string.Format(written, Credential)), Is.EqualTo(expected));
    }

    [Test]
    public void The_image_source_label_never_carries_the_origin_credentials()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: first");
        repo.Git.Network.Remotes.Add("origin", $"https://ci-bot:{Credential}@github.com/o/r.git");

        var run = InProcessPipeline.Run(repo.Path, ["--target=source-url-probe", "--exclusive"], typeof(SourceUrlProbeTask));

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain("source: https://github.com/o/r.git").And.Not.Contain(Credential));
    }
}
