using System.Diagnostics;
using Cake.Core;
using Cake.Core.IO;
using QtsOps.Tools.Git;

namespace QtsOps.Tests.Tools;

public class GitArgumentsTests
{
    private static readonly string Token = $"ghp_{Guid.NewGuid():N}";

    [Test]
    public void Push_is_one_atomic_push_of_full_reference_names()
    {
        var arguments = GitArguments.For(new GitPushSettings { Remote = "origin", RefSpecs = ["refs/heads/main", "refs/tags/v1.2.3"] });

        Assert.That(arguments.Render(), Is.EqualTo("push --atomic \"origin\" \"refs/heads/main\" \"refs/tags/v1.2.3\""));
    }

    [Test]
    public void Remote_tags_are_read_without_fetching() =>
        Assert.That(GitArguments.For(new GitRemoteTagsSettings { Remote = "origin" }).Render(), Is.EqualTo("ls-remote --tags --refs \"origin\""));

    [Test]
    public void The_credential_is_scoped_to_the_https_origin_and_the_token_is_not_on_the_command_line()
    {
        var settings = new GitRemoteTagsSettings { Remote = "origin", HttpsCredential = new GitHttpsCredential($"https://someone:{"old"}@git.example:8443/org/qtsops.git", Token) };

        var line = GitArguments.WithCredential(settings, GitArguments.For(settings)).Render();

        Assert.That(line, Does.StartWith("-c \"credential.helper=\" -c \"credential.https://git.example:8443.username=x-access-token\" -c \"credential.https://git.example:8443.helper="));
        Assert.That(line, Does.EndWith(" ls-remote --tags --refs \"origin\""));
        Assert.That(line, Does.Not.Contain(Token).And.Not.Contain("someone").And.Not.Contain("old@"));
    }

    [TestCase("http://git.example/org/qtsops.git")]
    [TestCase("git@git.example:org/qtsops.git")]
    [TestCase("/srv/git/qtsops.git")]
    public void A_token_is_for_https_only(string url) =>
        Assert.That(() => new GitHttpsCredential(url, Token), Throws.ArgumentException.With.Message.Contain("https:// remote only"));

    [Test]
    public void User_information_is_removed_from_urls_in_messages() =>
        Assert.That(RemoteUrls.WithoutUserInfo($"fatal: unable to access 'https://x-access-token:{"ghp_1"}@github.com/o/r.git/' and ssh://git@host/r"),
            Is.EqualTo("fatal: unable to access 'https://github.com/o/r.git/' and ssh://host/r"));

    /// <summary>The real git asks the helper, on the command line Cake runs: the token for the origin, nothing for any other host or for http://.</summary>
    [TestCase("https", "git.example", true)]
    [TestCase("https", "other.example", false)]
    [TestCase("http", "git.example", false)]
    public void Git_gets_the_token_from_the_helper_for_the_origin_only(string protocol, string host, bool answered)
    {
        using var home = new TempDirectory();
        // The user's own helper, which must neither answer nor be handed the token to store.
        var userConfig = home.Write(".gitconfig", "[credential]\n\thelper = \"!f() { echo password=users-own-password; }; f\"\n");
        var settings = new GitRemoteTagsSettings { Remote = "origin", HttpsCredential = new GitHttpsCredential("https://git.example/org/qtsops.git", Token) };
        var arguments = GitArguments.WithCredential(settings, new ProcessArgumentBuilder().Append("credential").Append("fill"));
        var start = new ProcessStartInfo("git", arguments.Render())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { [GitArguments.TokenVariable] = Token, ["GIT_TERMINAL_PROMPT"] = "0", ["GIT_CONFIG_GLOBAL"] = userConfig, ["GIT_CONFIG_NOSYSTEM"] = "1" },
        };

        using var git = Process.Start(start)!;
        git.StandardInput.Write($"protocol={protocol}\nhost={host}\npath=org/qtsops.git\n\n");
        git.StandardInput.Close();
        var output = git.StandardOutput.ReadToEnd();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();

        Assert.That(output, Does.Not.Contain("users-own-password"), "the user's helpers are dropped for this call");
        if (answered)
        {
            Assert.That(git.ExitCode, Is.Zero, error);
            Assert.That(output, Does.Contain("username=x-access-token\n").And.Contain($"password={Token}\n"));
        }
        else
        {
            Assert.That(git.ExitCode, Is.Not.Zero, "git asked nobody and failed instead of prompting");
            Assert.That(output + error, Does.Not.Contain(Token));
        }
    }
}
