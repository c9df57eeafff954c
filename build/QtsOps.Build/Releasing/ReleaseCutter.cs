using System.Text.Json;
using Cake.Core.Diagnostics;
using QtsOps.Core.Releasing;
using QtsOps.Tools.Git;

namespace QtsOps.Build.Releasing;

/// <summary>Cuts a release in the repository: the CHANGELOG.md commit, the annotated tag, the push and the notes.</summary>
public static class ReleaseCutter
{
    public const string Remote = ReleaseBranch.Remote;

    /// <summary>Plans the release the settings ask for; throws when it would be refused.</summary>
    public static ReleasePlan Plan(BuildContext context)
    {
        var request = ReleaseRequest.Parse(context.Options.Get(PipelineOptions.Bump), context.Options.Get(PipelineOptions.ReleaseVersion),
            context.Options.Get(PipelineOptions.ReleaseBranch)!);
        var root = context.RepositoryRoot;
        var current = context.Checkout.VersionInfo;
        var changes = context.GitLog(root, current.TagCommitSha)
            .Select(c => new ReleaseChange(c.Sha, c.Message, c.ParentShas.Count > 1))
            .ToList();
        var tags = context.GitTags(root).Select(t => t.Name).ToList();
        var state = new RepositoryState(context.Checkout.Commit.Branch, context.Checkout.Commit.IsDirty, current, tags, changes)
        {
            Remote = context.Options.Get(PipelineOptions.Push) ? ReadRemoteTags(context) : null,
        };
        return ReleasePlanner.Plan(request, state, DateOnly.FromDateTime(DateTime.UtcNow));
    }

    /// <summary>What <see cref="Cut"/> would do, written to the log; nothing changes.</summary>
    public static void Preview(BuildContext context, ReleasePlan plan)
    {
        var branch = context.Checkout.Commit.Branch;
        context.Log.Information($"Would release {plan.Version}: {plan.ChangeCount} change(s) since {plan.PreviousTag ?? "the first commit"}.");
        context.Log.Information($"Would prepend to {Changelog.FileName}:\n\n{plan.Notes}");
        context.Log.Information("Would run:");
        context.Log.Information($"  git add {Changelog.FileName}");
        context.Log.Information($"  git commit -m \"{plan.CommitMessage}\"");
        context.Log.Information($"  git tag -a {plan.TagName} -m \"Release {plan.TagName}\"");
        if (context.Options.Get(PipelineOptions.Push)) context.Log.Information($"  {PushCommand(branch!, plan)}");
        context.Log.Information($"Would write {Path.GetRelativePath(context.RepositoryRoot, NotesPath(context))}");
    }

    public static void Cut(BuildContext context, ReleasePlan plan)
    {
        var root = context.RepositoryRoot;
        var branch = context.Checkout.Commit.Branch!;
        CommitChangelog(context, plan);
        using (var key = new Wiring(context).SigningKey())
        {
            if (key is null) context.GitTag(root, plan.TagName, plan.TagMessage);
            else context.GitSignedTag(new GitSignedTagSettings { Name = plan.TagName, Message = plan.TagMessage, SigningKeyFile = key.KeyFile, WorkingDirectory = root });
        }
        context.Checkout.Refresh();
        context.Log.Information($"Tagged {plan.TagName} on {branch} ({context.Checkout.Commit.ShortSha}) with {plan.ChangeCount} change(s) in {Changelog.FileName}.");

        var pushed = false;
        try
        {
            if (context.Options.Get(PipelineOptions.Push))
            {
                Push(context, plan, branch);
                pushed = true;
            }
        }
        finally
        {
            WriteOutputs(context, plan, pushed); // the report says whether the push happened, also when it failed
        }
        context.Reporting.AddSummarySection($"Release {plan.TagName}", plan.Notes);
    }

    private static string PushCommand(string branch, ReleasePlan plan) => $"git push --atomic {Remote} refs/heads/{branch} refs/tags/{plan.TagName}";

    /// <summary>
    /// One atomic push of the branch and the tag: the tag starts the prod deployment, so it must
    /// never land without its commit on the branch (a protected branch refuses the commit).
    /// </summary>
    private static void Push(BuildContext context, ReleasePlan plan, string branch)
    {
        var settings = new GitPushSettings
        {
            Remote = Remote,
            RefSpecs = [$"refs/heads/{branch}", $"refs/tags/{plan.TagName}"],
            WorkingDirectory = context.RepositoryRoot,
            HttpsCredential = RemoteCredential(context),
        };
        try
        {
            context.GitPush(settings);
        }
        catch (GitCommandException exception)
        {
            throw new PipelineException($"{plan.TagName} is cut here, but the push to {Remote} failed, so {Remote} has neither the {branch} update nor {plan.TagName} " +
                $"(the push is atomic). {exception.Message}\nFix the cause (a protected {branch} takes the release through a pull request instead), then push both: {PushCommand(branch, plan)}; " +
                $"or undo the release here: git tag -d {plan.TagName} && git reset --keep HEAD~1");
        }
        context.Log.Information($"Pushed {branch} and {plan.TagName} to {Remote} in one atomic push.");
    }

    /// <summary>The tags of origin, read before anything is created, so that a version released from another clone is refused in time.</summary>
    private static RemoteTags ReadRemoteTags(BuildContext context)
    {
        var settings = new GitRemoteTagsSettings { Remote = Remote, WorkingDirectory = context.RepositoryRoot, HttpsCredential = RemoteCredential(context) };
        try
        {
            return new RemoteTags(Remote, context.GitRemoteTags(settings));
        }
        catch (GitCommandException exception)
        {
            throw new PipelineException($"--push first reads the tags of {Remote}, and that failed: {exception.Message}\n" +
                $"Check that {Remote} is reachable with your credentials (git ls-remote --tags {Remote}), or release without --push.");
        }
    }

    /// <summary>
    /// The token, for an https:// origin only. With plain http:// it is refused, since it would travel
    /// in clear text; SSH and local paths authenticate as git does for the user, without it.
    /// </summary>
    private static GitHttpsCredential? RemoteCredential(BuildContext context)
    {
        var url = context.GitPushUrl(new GitPushUrlSettings { Remote = Remote, WorkingDirectory = context.RepositoryRoot })
            ?? throw new PipelineException($"--push needs a remote '{Remote}': add it with git remote add {Remote} URL, or release without --push.");
        if (context.Options.Get(PipelineOptions.GitToken) is not { Length: > 0 } token) return null;
        var scheme = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Scheme : null;
        if (scheme == Uri.UriSchemeHttps) return new GitHttpsCredential(url, token);
        if (scheme == Uri.UriSchemeHttp)
            throw new PipelineException($"{PipelineOptions.GitToken.Variable} is set and {Remote} is {RemoteUrls.WithoutUserInfo(url)}: the token goes to an https:// origin only, " +
                $"never over plain http://. Point {Remote} at its https:// URL (git remote set-url {Remote} https://...), or unset {PipelineOptions.GitToken.Variable} to push without it.");
        context.Log.Verbose($"{PipelineOptions.GitToken.Variable} is not used: {Remote} is not an https:// URL.");
        return null;
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
            commit = context.Checkout.Commit.Sha,
            changes = plan.ChangeCount,
            pushed,
            notes = Path.GetRelativePath(context.RepositoryRoot, notes).Replace('\\', '/'),
        };
        File.WriteAllText(Path.Combine(context.ReportsDirectory, "release.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.WriteAllText(Path.Combine(context.ReportsDirectory, "release.md"), $"# release {plan.Version}\n\nTag {plan.TagName} on {context.Checkout.Commit.ShortSha}; pushed: {(pushed ? "yes" : "no")}.\n\n{plan.Notes}");
        context.Log.Information($"Release notes: {notes}");
    }
}
