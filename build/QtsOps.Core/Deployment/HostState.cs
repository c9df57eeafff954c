using System.Globalization;

namespace QtsOps.Core.Deployment;

/// <summary>Where the parts of <see cref="HostState"/> are on the deployment's host.</summary>
/// <param name="ActiveLink">The edge's edge/active.conf link, which names the slot that serves.</param>
/// <param name="DeployDirectory">Whose free space the pre-deploy checks ask.</param>
/// <param name="Folders">
/// Folders the steps ask whether they exist and whether this run's user could create or write in them (the shared data, log
/// and config folders a deploy makes where missing; the deploy, state and backup folders the preflight checks).
/// </param>
public sealed record HostStatePaths(string ReleasesDirectory, string CurrentLink, string ActiveLink, string HistoryFile, string LockFile, string DeployDirectory,
    IReadOnlyList<string>? Folders = null);

/// <summary>
/// What a step of deploy, verify, rollback or restore needs of the deployment's host, read in one go
/// (over ssh: one script): the installed releases, <c>current</c>, the edge's active slot, the history's lines
/// the read needs, the deploy lock's holder and the free space. Read again only after the run changed the host.
/// </summary>
/// <param name="ReleaseDirectories">The folders under releases/ with their times (<see cref="ReleaseStore.InstalledOf"/>).</param>
/// <param name="CurrentTarget">The target of <c>current</c>; null when there is none.</param>
/// <param name="ActiveTarget">The target of the edge's active link; null when there is none.</param>
/// <param name="History">
/// Of the history file, oldest first: its newest lines, as many as the read asked for, and before those the
/// lines that hold the entries <see cref="HistoryEntries"/>' questions find; never the whole of a long history.
/// </param>
/// <param name="AvailableBytes">The bytes free for the deploy directory.</param>
/// <param name="HeldCanary">
/// The file of a canary deploy --canary-hold left running, kept beside the edge (<see cref="Fleet.HeldCanary"/>), as one line; null when
/// none is held. Read with the rest, so that status shows it and the changes that wait for its end refuse without asking the host again.
/// </param>
/// <param name="EdgeConfigTarget">The target of the edge's conf link (<see cref="EdgeConfiguration"/>): the configuration nginx has; null when there is none.</param>
/// <param name="MissingFolders">Of <see cref="HostStatePaths.Folders"/>, those that are no directory.</param>
/// <param name="UnwritableFolders">Of <see cref="HostStatePaths.Folders"/>, those this run's user could not create or write in (judged on each one's nearest existing folder).</param>
public sealed record HostState(IReadOnlyList<(string Name, DateTime LastWriteUtc)> ReleaseDirectories, string? CurrentTarget, string? ActiveTarget,
    IReadOnlyList<HistoryLine> History, LockState Lock, long AvailableBytes, string? HeldCanary = null, string? EdgeConfigTarget = null,
    IReadOnlyList<string>? MissingFolders = null, IReadOnlyList<string>? UnwritableFolders = null)
{
    public bool CanaryHeld => HeldCanary is not null;

    public IReadOnlyList<string> Installed => ReleaseStore.InstalledOf(ReleaseDirectories);

    public string? Current => ReleaseStore.ReleaseOf(CurrentTarget);

    public Slot? ActiveSlot => SlotLayout.ActiveOf(ActiveTarget);

    /// <summary>
    /// The state as the host's script says it, a fact a line: <c>release TIME NAME</c>, <c>current TARGET</c>,
    /// <c>active TARGET</c>, <c>history NUMBER LINE</c>, <c>lock held|free</c>, <c>owner JSON</c>, <c>free KILOBYTES</c>, <c>canary JSON</c> (the held canary's file on one line),
    /// <c>edge TARGET</c> (the edge's conf link), <c>missing FOLDER</c>, <c>unwritable FOLDER</c>.
    /// </summary>
    /// <param name="parseOwner">Reads the lock's owner file as written.</param>
    public static HostState Parse(IReadOnlyList<string> lines, Func<string, LockOwner?> parseOwner)
    {
        var said = lines.Select(line => line.Split(' ', 2)).Where(parts => parts.Length == 2).ToLookup(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        var releases = said["release"].Select(line => line.Split(' ', 2))
            .Select(parts => (parts[1], DateTime.UnixEpoch.AddSeconds(double.Parse(parts[0], CultureInfo.InvariantCulture)))).ToList();
        var history = said["history"].Select(line => line.Split(' ', 2))
            .Select(parts => new HistoryLine(int.Parse(parts[0], CultureInfo.InvariantCulture), parts.Length == 2 ? parts[1] : "")).ToList();
        return new HostState(releases, said["current"].SingleOrDefault(), said["active"].SingleOrDefault(), history,
            LockState.Parse(lines, parseOwner),
            long.Parse(said["free"].Single(), CultureInfo.InvariantCulture) * 1024, said["canary"].SingleOrDefault(), said["edge"].SingleOrDefault(),
            [.. said["missing"]], [.. said["unwritable"]]);
    }
}
