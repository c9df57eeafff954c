using System.Diagnostics;

namespace QtsOps.Tools.GitHub;

/// <summary>
/// <c>gh release create TAG FILES... --title TAG --notes-file NOTES --verify-tag [--prerelease]</c>: the
/// GitHub release of an existing tag, its assets and its body; GitHub's token comes from GH_TOKEN.
/// </summary>
public sealed record GhReleaseCreate(string Tag, string NotesFile, IReadOnlyList<string> Assets, bool PreRelease)
{
    public IReadOnlyList<string> Arguments() =>
        ["release", "create", Tag, .. Assets, "--title", Tag, "--notes-file", NotesFile, "--verify-tag", .. PreRelease ? ["--prerelease"] : Array.Empty<string>()];
}

/// <summary>What gh said and how it ended.</summary>
public sealed record GhResult(int ExitCode, string Output, string Error);

/// <summary>Runs the GitHub CLI (gh, from PATH) with its argv as given.</summary>
public static class GhRunner
{
    public const string Program = "gh";

    public static GhResult Run(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(Program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return new GhResult(process.ExitCode, output.Trim(), error.Result.Trim());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new GhResult(127, "", $"{Program} is not on PATH: install the GitHub CLI (https://cli.github.com; GitHub's runners have it).");
        }
    }
}
