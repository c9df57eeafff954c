using System.Text.Json;
using System.Text.RegularExpressions;
using Cake.Core.Diagnostics;
using QtsOps.Release.Releasing;
using QtsOps.Release.Secrets;
using QtsOps.Tools.Git;

namespace QtsOps.Build.Releasing;

/// <summary>Cuts a release in the repository: the CHANGELOG.md commit, the annotated tag, the push and the notes.</summary>
public static partial class ReleaseCutter
{
    public const string Remote = "origin";

    /// <summary>Plans the release the settings ask for; throws when it would be refused.</summary>
    public static ReleasePlan Plan(BuildContext context)
    {
        var request = ReleaseRequest.Parse(context.Options.Get(PipelineOptions.Bump), context.Options.Get(PipelineOptions.ReleaseVersion),
            context.Options.Get(PipelineOptions.ReleaseBranch)!);
        var root = context.RepositoryRoot;
        var current = context.VersionInfo;
        var changes = context.GitLog(root, current.TagCommitSha)
            .Select(c => new ReleaseChange(c.Sha, c.Message, c.ParentShas.Count > 1))
            .ToList();
        var tags = context.GitTags(root).Select(t => t.Name).ToList();
        var state = new RepositoryState(context.Commit.Branch, context.Commit.IsDirty, current, tags, changes);
        var plan = ReleasePlanner.Plan(request, state, DateOnly.FromDateTime(DateTime.UtcNow));
        if (context.Options.Get(PipelineOptions.Push)) EnsurePushable(context);
        return plan;
    }

    /// <summary>What <see cref="Cut"/> would do, written to the log; nothing changes.</summary>
    public static void Preview(BuildContext context, ReleasePlan plan)
    {
        var branch = context.Commit.Branch;
        context.Log.Information($"Would release {plan.Version}: {plan.ChangeCount} change(s) since {plan.PreviousTag ?? "the first commit"}.");
        context.Log.Information($"Would prepend to {Changelog.FileName}:\n\n{plan.Notes}");
        context.Log.Information("Would run:");
        context.Log.Information($"  git add {Changelog.FileName}");
        context.Log.Information($"  git commit -m \"{plan.CommitMessage}\"");
        context.Log.Information($"  git tag -a {plan.TagName} -m \"Release {plan.TagName}\"");
        if (context.Options.Get(PipelineOptions.Push)) context.Log.Information($"  git push {Remote} refs/heads/{branch} refs/tags/{plan.TagName}");
        context.Log.Information($"Would write {Path.GetRelativePath(context.RepositoryRoot, NotesPath(context))}");
    }

    public static void Cut(BuildContext context, ReleasePlan plan)
    {
        var root = context.RepositoryRoot;
        var branch = context.Commit.Branch!;
        CommitChangelog(context, plan);
        context.GitTag(root, plan.TagName, plan.TagMessage);
        context.ForgetGitState();
        context.Log.Information($"Tagged {plan.TagName} on {branch} ({context.Commit.ShortSha}) with {plan.ChangeCount} change(s) in {Changelog.FileName}.");

        var pushed = context.Options.Get(PipelineOptions.Push);
        WriteOutputs(context, plan, pushed);
        context.AddSummarySection($"Release {plan.TagName}", plan.Notes);
        if (!pushed) return;
        try
        {
            context.GitPush(root, Remote, [$"refs/heads/{branch}", $"refs/tags/{plan.TagName}"], PushSettings(context));
        }
        catch (Exception exception)
        {
            throw new PipelineException($"{plan.TagName} is cut locally, but the push to {Remote} failed: {exception.Message} " +
                $"Push it yourself once that is fixed: git push {Remote} {branch} {plan.TagName}");
        }
        context.Log.Information($"Pushed {branch} and {plan.TagName} to {Remote}.");
    }

    /// <summary>Commits the new CHANGELOG.md; when that fails, the file and the index are as before.</summary>
    private static void CommitChangelog(BuildContext context, ReleasePlan plan)
    {
        var root = context.RepositoryRoot;
        var path = Path.Combine(root, Changelog.FileName);
        var before = File.Exists(path) ? File.ReadAllText(path) : null;
        File.WriteAllText(path, Changelog.Prepend(before, plan.Notes));
        try
        {
            context.GitAdd(root, Changelog.FileName);
            context.GitCommit(root, plan.CommitMessage);
        }
        catch
        {
            if (before is null) File.Delete(path);
            else File.WriteAllText(path, before);
            context.GitAdd(root, Changelog.FileName);
            throw;
        }
    }

    private static string NotesPath(BuildContext context) => Path.Combine(context.ArtifactsDirectory, "release", "notes.md");

    private static void WriteOutputs(BuildContext context, ReleasePlan plan, bool pushed)
    {
        var notes = NotesPath(context);
        Directory.CreateDirectory(Path.GetDirectoryName(notes)!);
        File.WriteAllText(notes, plan.Notes);
        Directory.CreateDirectory(context.ReportsDirectory);
        var report = new
        {
            target = "release",
            version = plan.Version.ToString(),
            tag = plan.TagName,
            previous_tag = plan.PreviousTag,
            commit = context.Commit.Sha,
            changes = plan.ChangeCount,
            pushed,
            notes = Path.GetRelativePath(context.RepositoryRoot, notes).Replace('\\', '/'),
        };
        File.WriteAllText(Path.Combine(context.ReportsDirectory, "release.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.WriteAllText(Path.Combine(context.ReportsDirectory, "release.md"), $"# release {plan.Version}\n\nTag {plan.TagName} on {context.Commit.ShortSha}; pushed: {(pushed ? "yes" : "no")}.\n\n{plan.Notes}");
        context.Log.Information($"Release notes: {notes}");
    }

    // scp-like (git@host:path) or ssh:// URLs: LibGit2Sharp cannot push over SSH.
    [GeneratedRegex(@"^(ssh://|[\w.-]+@[\w.-]+:)")]
    private static partial Regex SshUrl();

    private static void EnsurePushable(BuildContext context)
    {
        var url = context.GitRemoteUrl(context.RepositoryRoot, Remote)
            ?? throw new PipelineException($"--push needs a remote '{Remote}': add it with git remote add {Remote} URL, or release without --push.");
        if (SshUrl().IsMatch(url))
            throw new PipelineException($"--push cannot use the SSH remote {Remote} ({UrlUserInfo.Remove(url)}): the pipeline pushes over HTTPS (token in QTSOPS_GIT_TOKEN) or to a local path. " +
                $"Release without --push, then push yourself: git push {Remote} BRANCH vX.Y.Z.");
    }

    private static GitPushSettings PushSettings(BuildContext context) =>
        new() { Password = context.Options.Get(PipelineOptions.GitToken) };
}
