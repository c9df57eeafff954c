namespace QtsOps.Core.Deployment;

/// <summary>
/// Whose a container is, from its labels: every container a deployment starts carries the
/// environment, the deployment (its deploy directory) and the release and version it runs. A
/// container from before these labels is known by compose's working directory, which is a release
/// directory (&lt;deploy directory&gt;/releases/&lt;release&gt;).
/// </summary>
public sealed record DeploymentOwner(string? Environment, string? Deployment, string? Release, string? Version)
{
    public const string EnvironmentLabel = "io.qtsops.environment";
    public const string DeploymentLabel = "io.qtsops.deployment";
    public const string ReleaseLabel = "io.qtsops.release";
    public const string VersionLabel = "io.qtsops.version";
    private const string ComposeWorkingDirectoryLabel = "com.docker.compose.project.working_dir";

    public static DeploymentOwner FromLabels(IReadOnlyDictionary<string, string> labels)
    {
        string? Label(string key) => labels.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
        if (Label(DeploymentLabel) is { } deployment)
            return new DeploymentOwner(Label(EnvironmentLabel), Normalize(deployment), Label(ReleaseLabel), Label(VersionLabel));
        // <deploy>/releases/<release>, as ReleaseStore lays it out.
        if (Label(ComposeWorkingDirectoryLabel) is { } workingDirectory
            && Path.GetDirectoryName(Normalize(workingDirectory)) is { } releases && Path.GetFileName(releases) == ReleaseStore.ReleasesFolder)
            return new DeploymentOwner(null, Path.GetDirectoryName(releases), Path.GetFileName(Normalize(workingDirectory)), null);
        return new DeploymentOwner(null, null, null, null);
    }

    /// <summary>The labels a release's container gets (compose sets them from variables).</summary>
    public static IReadOnlyDictionary<string, string> Labels(string environment, string deployment, string release, string version) => new Dictionary<string, string>
    {
        [EnvironmentLabel] = environment, [DeploymentLabel] = Normalize(deployment), [ReleaseLabel] = release, [VersionLabel] = version,
    };

    /// <summary>
    /// Whether the container was started by the deployment whose deploy directory this is, for this
    /// environment: two environments given one deploy directory (staging pointed at prod's host) are
    /// two deployments, or one would deploy over the other's without its protection.
    /// </summary>
    public bool IsOf(string deployment, string environment) =>
        Deployment is not null && Deployment == Normalize(deployment) && (Environment is null || Environment == environment);

    /// <summary>For messages: "the deployment in /srv/a/.qtsops/deploy/local (environment local, release 1.2.3)".</summary>
    public string Describe()
    {
        if (Deployment is null) return "no QtsOps deployment (the container has no io.qtsops labels and was not started from a release directory)";
        var details = string.Join(", ", new[] { Environment is null ? null : $"environment {Environment}", Release is null ? null : $"release {Release}" }.OfType<string>());
        return $"the deployment in {Deployment}{(details.Length > 0 ? $" ({details})" : "")}";
    }

    private static string Normalize(string path) => path.TrimEnd('/', '\\');
}
