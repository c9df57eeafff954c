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

/// <summary>Runs the GitHub CLI (gh, from PATH).</summary>
public static class GhRunner
{
    public const string Program = "gh";

    public static ProgramResult Run(GhReleaseCreate command) =>
        ProgramRunner.Run(Program, command.Arguments(), $"{Program} is not on PATH: install the GitHub CLI (https://cli.github.com; GitHub's runners have it).");
}
