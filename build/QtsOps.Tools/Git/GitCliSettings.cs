using Cake.Core.Tooling;

namespace QtsOps.Tools.Git;

/// <summary>
/// What every call of the git CLI shares: the repository is <see cref="ToolSettings.WorkingDirectory"/>,
/// and the remote it talks to may need a token. The CLI, unlike LibGit2Sharp, speaks every transport
/// (SSH, HTTPS, local paths) and the user's own git configuration.
/// </summary>
public abstract class GitCliSettings : ToolSettings
{
    /// <summary>The token for the remote when it is https://; null for SSH, a local path, or no token.</summary>
    public GitHttpsCredential? HttpsCredential { get; set; }
}

/// <summary>A call that talks to a remote.</summary>
public abstract class GitRemoteSettings : GitCliSettings
{
    /// <summary>The remote's name, e.g. <c>origin</c>.</summary>
    public required string Remote { get; set; }
}

/// <summary><c>git remote get-url --push REMOTE</c>: where a push goes, after git's insteadOf rewriting.</summary>
public sealed class GitPushUrlSettings : GitRemoteSettings;

/// <summary><c>git ls-remote --tags --refs REMOTE</c>: the remote's tags, read without changing the local repository.</summary>
public sealed class GitRemoteTagsSettings : GitRemoteSettings;

/// <summary>
/// <c>git -c gpg.format=ssh -c user.signingkey=KEY tag -s NAME -m MESSAGE</c>: an annotated tag on HEAD
/// with an SSH signature, which <c>git tag -v</c> and GitHub verify.
/// </summary>
public sealed class GitSignedTagSettings : GitCliSettings
{
    public required string Name { get; set; }
    public required string Message { get; set; }
    /// <summary>The private key file (a path, never the key itself).</summary>
    public required string SigningKeyFile { get; set; }
}

/// <summary><c>git fetch --no-tags REMOTE +refs/heads/BRANCH:refs/remotes/REMOTE/BRANCH</c>: the branch as the remote has it now.</summary>
public sealed class GitFetchBranchSettings : GitRemoteSettings
{
    public required string Branch { get; set; }

    /// <summary>Where the fetched branch is kept: the remote-tracking reference.</summary>
    public string TrackingReference => $"refs/remotes/{Remote}/{Branch}";
}

/// <summary><c>git push --atomic REMOTE REFSPEC...</c>: every reference lands, or none does.</summary>
public sealed class GitPushSettings : GitRemoteSettings
{
    /// <summary>Full reference names, e.g. <c>refs/heads/main</c> and <c>refs/tags/v1.2.3</c>, so a branch and a tag of the same name cannot be confused.</summary>
    public IList<string> RefSpecs { get; set; } = [];
}

/// <summary>A token that git may send to one https:// origin (scheme, host and port) and nowhere else.</summary>
public sealed class GitHttpsCredential
{
    /// <exception cref="ArgumentException"><paramref name="remoteUrl"/> is not an https:// URL: a token never travels in clear text.</exception>
    public GitHttpsCredential(string remoteUrl, string token, string username = "x-access-token")
    {
        if (!Uri.TryCreate(remoteUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"A git token is sent to an https:// remote only, not to {RemoteUrls.WithoutUserInfo(remoteUrl)}.", nameof(remoteUrl));
        Origin = uri.IsDefaultPort ? $"https://{uri.Host}" : $"https://{uri.Host}:{uri.Port}";
        Token = token;
        Username = username;
    }

    /// <summary><c>https://host[:port]</c>, without user information or path: the URL git's credential configuration is scoped to.</summary>
    public string Origin { get; }

    public string Token { get; }

    /// <summary>GitHub takes any user name with a token as password.</summary>
    public string Username { get; }
}
