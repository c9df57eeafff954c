using Cake.Core;
using QtsOps.Build.Deployment;
using QtsOps.Build.Terraform;
using QtsOps.Host;
using QtsOps.Host.Options;
using QtsOps.Release.Environments;
using QtsOps.Release.Packaging;
using QtsOps.Release.Secrets;
using QtsOps.Release.Terraform;
using QtsOps.Release.Validation.Observer;
using QtsOps.Release.Versioning;
using QtsOps.Tools.Git;

namespace QtsOps.Build;

/// <summary>Typed settings, read once from the command line and the environment, validated up front.</summary>
public sealed partial class BuildContext : FrostingContext
{
    public static readonly string[] Environments = EnvironmentCatalog.EnvironmentNames;

    public BuildContext(ICakeContext context) : base(context)
    {
        Options = context.Data.Get<OptionValues>();
        EnvironmentName = Options.Get(PipelineOptions.Environment)!;
        RepositoryRoot = FindRepositoryRoot(context.Environment.WorkingDirectory.FullPath);
        // Before anything else is printed, so that no later line of this job shows them.
        if (IsGitHubActions) MaskSecrets();
    }

    /// <summary>Every option of <see cref="PipelineOptions"/>, read and checked by the host before any task runs.</summary>
    public OptionValues Options { get; }

    /// <summary>The secret values this run was given (the secret options, and the webhook URL, which may come from the command line).</summary>
    public IEnumerable<string> SecretValues =>
        Options.SecretValues.Concat(Options.Get(PipelineOptions.NotifyWebhook) is { Length: > 0 } webhook ? [webhook] : []);

    /// <summary>local, staging or prod.</summary>
    public string EnvironmentName { get; }

    public string RepositoryRoot { get; }

    private GitCommitInfo? _commit;

    /// <summary>The commit being built (read on first use: not every target needs git).</summary>
    public GitCommitInfo Commit => _commit ??= this.GitCurrentCommit(RepositoryRoot);

    private CalculatedVersion? _version;

    /// <summary>The version of the commit from its git tags, by MinVer's rules (README: "Versions").</summary>
    public CalculatedVersion VersionInfo => _version ??= CalculateVersion();

    /// <summary>The SemVer version every output records: reports, deployment_config.json, image labels.</summary>
    public string Version => VersionInfo.Version.ToString();

    /// <summary>The version in Docker tags and file names, which cannot hold SemVer's '+': 1.2.4-alpha.0.1_dirty.1a2b3c4d.</summary>
    public string VersionTag => VersionInfo.Version.ToDockerTag();

    /// <summary>The version for logs and summaries, also outside a git repository.</summary>
    public string VersionDescription => this.GitIsRepository(RepositoryRoot)
        ? $"{Version} ({VersionInfo.Explanation})"
        : "(no git repository, no version)";

    /// <summary>Reads the commit and version again after a task committed or tagged (release).</summary>
    public void ForgetGitState() => (_commit, _version) = (null, null);

    /// <summary>Refuses a version that the environment does not take: protected ones take tagged, clean commits only.</summary>
    public void EnsureDeployableVersion()
    {
        if (Protection.VersionRefusal(EnvironmentName, VersionInfo) is { } refusal) throw new PipelineException(refusal);
    }

    private InfrastructureSettings? _infrastructure;

    /// <summary>terraform-plan and apply settings (read on first use: other targets do not need them).</summary>
    public InfrastructureSettings Infrastructure => _infrastructure ??= new InfrastructureSettings(this);

    public string ArtifactsDirectory => Path.Combine(RepositoryRoot, "artifacts");
    public string ReportsDirectory => Path.Combine(ArtifactsDirectory, "reports");

    /// <summary>State that outlives clean: Terraform state, release history, backups, locks.</summary>
    public string StateDirectory => Path.Combine(RepositoryRoot, ".qtsops");

    /// <summary>The service the deploy package is built from: src/observer/.</summary>
    public string ServiceDirectory => Path.Combine(RepositoryRoot, ObserverFiles.Directory);

    /// <summary>Whether git ignores a path relative to <see cref="ServiceDirectory"/> (such files do not ship); null outside a git repository.</summary>
    public Func<string, bool>? IsIgnoredInService =>
        this.GitIgnoreChecker(RepositoryRoot) is { } ignored ? path => ignored($"{ObserverFiles.Directory}/{path}") : null;

    /// <summary>The deploy package the package target assembles; the image is built from exactly these files.</summary>
    public string PackageDirectory => Path.Combine(ArtifactsDirectory, "package", "qts_ops_deploy");

    private DeploymentEnvironment? _target;

    /// <summary>The chosen environment's entry in environments.json, as checked in.</summary>
    public DeploymentEnvironment ConfiguredTarget => Catalog[EnvironmentName];

    /// <summary>Reads the target again on next use: apply has just written the outputs it depends on.</summary>
    public void ReloadTarget() => _target = null;
    private IReadOnlyDictionary<string, DeploymentEnvironment>? _catalog;

    /// <summary>environments.json, read and checked on first use.</summary>
    private IReadOnlyDictionary<string, DeploymentEnvironment> Catalog =>
        _catalog ??= EnvironmentCatalog.Load(EnvironmentsFile, Environments);

    /// <summary>--environments=FILE (relative to the working directory), else the checked-in environments.json.</summary>
    public string EnvironmentsFile => Options.Get(PipelineOptions.EnvironmentsFile) is { } file
        ? ResolveGivenPath(file)
        : Path.Combine(RepositoryRoot, EnvironmentCatalog.FileName);

    /// <summary>
    /// The chosen environment's settings from environments.json (read on first use), with the
    /// command-line overrides --port, --settle-seconds and --health-timeout-seconds.
    /// </summary>
    public DeploymentEnvironment Target => _target ??= LoadTarget();

    /// <summary>DOCKER_HOST for every docker call: --docker-host or QTSOPS_DOCKER_HOST, else the environment's (null: this machine's engine).</summary>
    public string? DockerHost => Options.Get(PipelineOptions.DockerHost) ?? Target.DockerHost;

    private SshTransport? _ssh;

    /// <summary>The ssh client settings of an ssh:// engine (files written on first use, deleted by <see cref="EndSsh"/>).</summary>
    public SshTransport Ssh => _ssh ??= new SshTransport(
        Options.Get(PipelineOptions.SshKey),
        Options.Get(PipelineOptions.SshKeyFile) is { } file ? ResolveGivenPath(file) : null,
        Options.Get(PipelineOptions.SshKnownHosts),
        System.Environment.GetEnvironmentVariable("PATH"));

    /// <summary>Deletes the key and known_hosts this run wrote for ssh, however the run ended.</summary>
    public void EndSsh() => _ssh?.Dispose();

    /// <summary>This version as a release directory name: the Docker tag form.</summary>
    public string ReleaseName => VersionTag;

    /// <summary>The image this run builds and deploys.</summary>
    public string ImageReference => $"{Target.ImageRepository}:{ReleaseName}";

    /// <summary>The source URL of the image's labels (--source-url, else the origin remote), without user info: it is pushed with the image.</summary>
    public string SourceUrl => UrlUserInfo.Remove(Options.Get(PipelineOptions.SourceUrl) ?? this.GitRemoteUrl(RepositoryRoot, "origin") ?? "unknown");

    /// <summary>An environment path as an absolute path (relative ones are relative to the repository root).</summary>
    public string ResolvePath(string path) => EnvironmentCatalog.Resolve(RepositoryRoot, path);

    /// <summary>A path given on the command line (or in a variable) as an absolute path: relative ones are relative to the working directory.</summary>
    public string ResolveGivenPath(string path) => Path.GetFullPath(path, Environment.WorkingDirectory.FullPath);

    private ProtectionPolicy? _protection;

    /// <summary>
    /// Which environments are protected (environments.json, plus --protected-environments) and whether
    /// this run is approved: the one policy apply, deploy, rollback and the version check read.
    /// </summary>
    public ProtectionPolicy Protection => _protection ??= new ProtectionPolicy(
        Catalog.Values.Where(e => e.Protected).Select(e => e.Name),
        Options.Get(PipelineOptions.ProtectedEnvironments),
        Options.Get(PipelineOptions.Approve),
        Options.Get(PipelineOptions.AllowPreRelease));

    /// <summary>Stops the change unless the environment is unprotected or the run approved.</summary>
    public void RequireApproval(ProtectedChange change)
    {
        if (Protection.ChangeRefusal(EnvironmentName, change) is { } refusal) throw new PipelineException(refusal);
    }

    /// <summary>Whether NAME was given as a --target (not merely reached as a dependency).</summary>
    public bool IsRequestedTarget(string name) => Arguments.GetArguments("target").Contains(name, StringComparer.OrdinalIgnoreCase);

    private DeploymentEnvironment LoadTarget()
    {
        var environment = ConfiguredTarget;
        // Where Terraform says the release goes (apply's outputs.json) wins over the checked-in settings.
        var outputs = TerraformEnvironment.For(this).OutputsFile;
        if (File.Exists(outputs) && ProvisionedTarget.Read(outputs) is { } provisioned)
            environment = provisioned.ApplyTo(environment, Path.GetRelativePath(RepositoryRoot, outputs));
        var port = Options.Get(PipelineOptions.Port);
        return environment with
        {
            Port = port ?? environment.Port,
            HealthUrl = port is { } published ? new UriBuilder(environment.HealthUrl) { Port = published }.Uri.ToString() : environment.HealthUrl,
            SettleSeconds = Options.Get(PipelineOptions.SettleSeconds) ?? environment.SettleSeconds,
            HealthTimeoutSeconds = Options.Get(PipelineOptions.HealthTimeoutSeconds) ?? environment.HealthTimeoutSeconds,
        };
    }

    private CalculatedVersion CalculateVersion()
    {
        var tags = this.GitTags(RepositoryRoot).Select(t => new VersionTagRef(t.Name, t.CommitSha)).ToList();
        // The walk stops at version tags, so only the history since the nearest ones is read.
        var tagged = tags.Where(t => VersionCalculator.ParseTag(t.Name) is not null).Select(t => t.CommitSha).ToHashSet(StringComparer.Ordinal);
        var parents = this.GitParents(RepositoryRoot, tagged);
        var uncommittedInputs = Commit.IsDirty ? DeployPackage.InputsHash(ServiceDirectory, IsIgnoredInService) : null;
        return VersionCalculator.Calculate(Commit.Sha, sha => parents[sha], tags, uncommittedInputs);
    }

    private static string FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "QtsOps.sln"))) return directory.FullName;
        throw new PipelineException($"No QtsOps.sln in '{start}' or any folder above it: run ./build.sh from the QtsOps repository (or pass --working=DIR).");
    }
}
