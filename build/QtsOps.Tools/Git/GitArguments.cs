using Cake.Core;
using Cake.Core.IO;

namespace QtsOps.Tools.Git;

/// <summary>
/// The one place that turns git CLI settings into a command line: <c>For</c> gives the command,
/// <see cref="WithCredential"/> the whole line. No secret is ever part of it.
/// </summary>
public static class GitArguments
{
    /// <summary>The variable that carries the token to the credential helper, in the environment of that one git process only.</summary>
    public const string TokenVariable = "QTSOPS_GIT_CREDENTIAL_TOKEN";

    public static ProcessArgumentBuilder For(GitPushUrlSettings settings) =>
        new ProcessArgumentBuilder().Append("remote").Append("get-url").Append("--push").AppendQuoted(settings.Remote);

    public static ProcessArgumentBuilder For(GitRemoteTagsSettings settings) =>
        new ProcessArgumentBuilder().Append("ls-remote").Append("--tags").Append("--refs").AppendQuoted(settings.Remote);

    public static ProcessArgumentBuilder For(GitSignedTagSettings settings) =>
        new ProcessArgumentBuilder().Append("-c").Append("gpg.format=ssh").Append("-c").AppendQuoted($"user.signingkey={settings.SigningKeyFile}")
            .Append("tag").Append("-s").AppendQuoted(settings.Name).Append("-m").AppendQuoted(settings.Message);

    public static ProcessArgumentBuilder For(GitFetchBranchSettings settings) =>
        new ProcessArgumentBuilder().Append("fetch").Append("--no-tags").Append("--quiet").AppendQuoted(settings.Remote)
            .AppendQuoted($"+refs/heads/{settings.Branch}:{settings.TrackingReference}");

    public static ProcessArgumentBuilder For(GitPushSettings settings)
    {
        if (settings.RefSpecs.Count == 0) throw new ArgumentException("A push needs at least one reference.", nameof(settings));
        // --atomic: the remote takes all references or none, and git fails rather than push a subset when the remote cannot do that.
        var arguments = new ProcessArgumentBuilder().Append("push").Append("--atomic").AppendQuoted(settings.Remote);
        foreach (var refSpec in settings.RefSpecs) arguments.AppendQuoted(refSpec);
        return arguments;
    }

    /// <summary>
    /// The token goes through git's credential mechanism for this call only: an inline helper that
    /// prints it from <see cref="TokenVariable"/>. Safer than GIT_ASKPASS, which git asks for any
    /// host and which needs a script on disk: the helper is scoped to the https:// origin, so a
    /// redirect to another host or plain http:// gets nothing, and no file holds the token. The empty
    /// <c>credential.helper</c> first drops the user's helpers, so none of them stores the token.
    /// </summary>
    public static ProcessArgumentBuilder WithCredential(GitCliSettings settings, ProcessArgumentBuilder command)
    {
        var arguments = new ProcessArgumentBuilder();
        if (settings.HttpsCredential is { } credential)
        {
            arguments.Append("-c").AppendQuoted("credential.helper=");
            arguments.Append("-c").AppendQuoted($"credential.{credential.Origin}.username={credential.Username}");
            arguments.Append("-c").AppendQuoted($"credential.{credential.Origin}.helper=!f() {{ test $1 = get && printf password= && printenv {TokenVariable}; }}; f");
        }
        foreach (var argument in command) arguments.Append(argument);
        return arguments;
    }
}
