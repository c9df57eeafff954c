using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;

namespace QtsOps.Build.Deployment;

/// <summary>The releases target's work: one engine's listing, or every host's of an environment (<see cref="Fleet.FleetReleases"/>), picked by Wiring.</summary>
public interface IReleasesReport
{
    (object Listing, string Markdown) Report();
}

/// <summary>Gathers <see cref="ReleaseListing"/> from the release store, the history and the backup folder; asks the engine nothing.</summary>
public sealed class ReleaseListReader(DeploySession session) : IReleasesReport
{
    public (object Listing, string Markdown) Report()
    {
        var listing = Read();
        return (listing, listing.ToMarkdown());
    }

    public ReleaseListing Read()
    {
        var (engine, target, host) = (session.Engine, session.Target, session.Host);
        var state = session.ReadHost();
        var releases = ReleaseListing.ReleasesOf(state.ReleaseDirectories, state.Current, session.HistoryOf(state));
        var backups = host.Resolve(target.BackupDirectory);
        // restore works on this machine's files only (BackupRestorer), so backups elsewhere are named, not listed.
        return engine.IsRemote
            ? new ReleaseListing(target.Name, releases, [], $"The backups are on {host.Name} in {backups}; restore runs on this machine only, so they are not listed here.")
            : new ReleaseListing(target.Name, releases, ReleaseListing.BackupsIn(backups), null);
    }
}
