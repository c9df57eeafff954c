namespace QtsOps.Core.Deployment;

/// <summary>The environment's container as the engine has it, as far as a deploy that may have nothing to do looks.</summary>
/// <param name="IsOurs">Whether this deployment started it.</param>
/// <param name="ImageId">The id of the image it runs from.</param>
public sealed record ContainerFound(string Id, bool Running, string? Health, int RestartCount, bool IsOurs, string ImageId);

/// <summary>
/// What tells whether a release already runs. The readings are functions so that each is taken only
/// when all before it say the release may be running: a deploy of a new release asks the engine nothing more.
/// </summary>
/// <param name="CurrentRelease">The release the store names current; null when none is.</param>
/// <param name="Container">Reads the environment's container; null when there is none.</param>
/// <param name="SuccessfulStartIn">The history's entry of the release's deploy (or rollback, or restore) that finished successfully in the container of this id; null when there is none.</param>
/// <param name="Settings">What the containers are to be made from now (<see cref="DeploymentSettings"/>).</param>
/// <param name="ImageId">Reads the id of the image the release's reference names on the engine; null when it is not there.</param>
public sealed record DeploySkipEvidence(
    string Release, string? CurrentRelease, string ContainerName,
    Func<ContainerFound?> Container, Func<string, HistoryEntry?> SuccessfulStartIn, Func<string?> ImageId, IReadOnlyDictionary<string, string> Settings);

/// <summary>Judges whether a deploy has nothing to do, so that running it again changes nothing that already works.</summary>
public static class DeploySkip
{
    /// <returns>
    /// Why the deploy is skipped: the release is current and already runs healthy, without restarts, from
    /// this image, in the container the history records as its successful deploy (not one an interrupted or
    /// failed deploy left), made from the settings asked for now. Null when the deploy is to run.
    /// </returns>
    public static string? Reason(DeploySkipEvidence e)
    {
        if (e.CurrentRelease != e.Release) return null;
        if (e.Container() is not { Running: true, Health: "healthy", RestartCount: 0, IsOurs: true } container) return null;
        if (e.SuccessfulStartIn(container.Id) is not { } started || DeploymentSettings.Changes(started.Settings, e.Settings).Count > 0) return null;
        return e.ImageId() is { } imageId && imageId == container.ImageId
            ? $"{e.Release} already runs healthy in {e.ContainerName} from image {imageId[7..19]} (--force-deploy to deploy it again)"
            : null;
    }
}
