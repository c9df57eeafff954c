using Cake.Core.Diagnostics;
using QtsOps.Core.Bundling;
using QtsOps.Tools.GitHub;

namespace QtsOps.Build.Releasing;

/// <summary>
/// Publishes the bundle as the GitHub release of its tag: every file of the bundle as an asset, notes.md
/// as the body, a pre-release version marked as one. Refuses a bundle verify-release would refuse.
/// </summary>
public sealed class ReleasePublisher(ReleaseVerifier verifier, RunReporting reporting)
{
    private ICakeLog Log => reporting.Log;

    public void Run(string bundle)
    {
        var verdict = verifier.Run(bundle);
        var version = verdict.Version!;
        var command = new GhReleaseCreate($"v{version}", Path.Combine(bundle, "notes.md"),
            [.. Directory.GetFiles(bundle).Order(StringComparer.Ordinal)], Core.Versioning.SemanticVersion.TryParse(version, out var parsed) && parsed.IsPreRelease);
        var result = GhRunner.Run(command);
        if (result.ExitCode != 0)
            throw new PipelineException($"gh could not publish the GitHub release v{version}: {result.Error}. Fix: run it where gh is installed and GH_TOKEN may write releases (permissions: contents: write), for a tag pushed to GitHub.");
        Log.Information($"Published the GitHub release v{version}{(command.PreRelease ? " (pre-release)" : "")}: {result.Output}");
        reporting.Write("publish-release", "published", new { Version = version, Url = result.Output, Assets = command.Assets.Select(Path.GetFileName), command.PreRelease },
            $"# publish-release\n\n[v{version}]({result.Output}): {command.Assets.Count} assets{(command.PreRelease ? ", pre-release" : "")}.\n", []);
    }
}
