using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace QtsOps.Tools.Git;

/// <summary>A git command failed; the message holds what git said, with the token masked and user information removed from URLs.</summary>
public sealed class GitCommandException(string message) : Exception(message);

/// <summary>
/// Runs the git CLI with Cake's <see cref="Tool{TSettings}"/>: never prompts, hands an https://
/// token to git's credential mechanism, and keeps the token and URL user information out of the
/// log and of errors.
/// </summary>
public sealed class GitRunner(ICakeContext context)
    : Tool<GitCliSettings>(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools)
{
    /// <summary>The URL without user information, or null when there is no such remote (git exits 2).</summary>
    public string? PushUrl(GitPushUrlSettings settings)
    {
        var run = Execute(settings, GitArguments.For(settings), 0, 2);
        return run.ExitCode == 0 ? run.Output.NonBlank().Single().Trim() : null;
    }

    /// <summary>The names of the remote's tags (<c>v1.2.3</c>, without <c>refs/tags/</c>).</summary>
    public IReadOnlyList<string> RemoteTags(GitRemoteTagsSettings settings) =>
        Execute(settings, GitArguments.For(settings)).Output.NonBlank()
            .Select(line => line.Split('\t', 2)[1])
            .Select(reference => reference["refs/tags/".Length..])
            .ToList();

    public void FetchBranch(GitFetchBranchSettings settings) => Execute(settings, GitArguments.For(settings));

    public void Push(GitPushSettings settings)
    {
        var run = Execute(settings, GitArguments.For(settings));
        foreach (var line in run.Error.NonBlank()) context.Log.Information(line); // git reports a push on stderr
    }

    public void SignedTag(GitSignedTagSettings settings) => Execute(settings, GitArguments.For(settings));

    protected override string GetToolName() => "git";

    protected override IEnumerable<string> GetToolExecutableNames() => ["git", "git.exe"];

    // Some commands have more than one success code: Execute decides.
    protected override void ProcessExitCode(int exitCode) { }

    private GitRun Execute(GitCliSettings settings, ProcessArgumentBuilder command, params int[] successCodes)
    {
        if (successCodes.Length == 0) successCodes = [0];
        var masker = new SecretMasker(settings.HttpsCredential is { } credential ? [credential.Token] : []);
        string Clean(string line) => RemoteUrls.WithoutUserInfo(masker.Mask(line));
        string? Capture(List<string> lines, string? line)
        {
            if (line is not null) lines.Add(Clean(line));
            return line;
        }
        var output = new List<string>();
        var error = new List<string>();
        var processSettings = new ProcessSettings
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectedStandardOutputHandler = line => Capture(output, line),
            RedirectedStandardErrorHandler = line => Capture(error, line),
            EnvironmentVariables = ChildEnvironment.For(ChildProgram.Git, ProcessEnvironment(settings)),
        };
        var exitCode = -1;
        Run(settings, GitArguments.WithCredential(settings, command), processSettings, process => exitCode = process.GetExitCode());
        if (!successCodes.Contains(exitCode))
        {
            var said = error.NonBlank().TakeLast(8).Select(line => line.TrimEnd()).ToList(); // "remote:" lines end in padding
            throw new GitCommandException($"'git {Clean(command.RenderSafe())}' failed (exit code {exitCode}){(said.Count == 0 ? "." : ":\n" + string.Join('\n', said))}");
        }
        return new GitRun(exitCode, output, error);
    }

    private static Dictionary<string, string> ProcessEnvironment(GitCliSettings settings)
    {
        // A pipeline has nobody to answer a prompt: without this, a missing credential waits forever.
        var variables = new Dictionary<string, string>(settings.EnvironmentVariables ?? new Dictionary<string, string>()) { ["GIT_TERMINAL_PROMPT"] = "0" };
        if (settings.HttpsCredential is { } credential) variables[GitArguments.TokenVariable] = credential.Token;
        return variables;
    }

    private sealed record GitRun(int ExitCode, IReadOnlyList<string> Output, IReadOnlyList<string> Error);
}
