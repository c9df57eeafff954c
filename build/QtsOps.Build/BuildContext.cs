using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Cake.Core;
using QtsOps.Build.Deployment;
using QtsOps.Build.Terraform;
using QtsOps.Host;
using QtsOps.Host.Options;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Fleet;
using QtsOps.Core.Secrets;
using QtsOps.Core.Terraform;
using QtsOps.Core.Verification;
using QtsOps.Tools.Git;

namespace QtsOps.Build;

/// <summary>
/// The run: its typed settings (read once from the command line and the environment, checked up
/// front), the checkout it builds (<see cref="Checkout"/>) and where it reports (<see cref="Reporting"/>).
/// Tasks give the classes they call only what those use, through <see cref="Wiring"/>.
/// </summary>
public sealed class BuildContext : FrostingContext
{
    public BuildContext(ICakeContext context) : base(context)
    {
        Options = context.Data.Get<OptionValues>();
        RepositoryRoot = FindRepositoryRoot(context.Environment.WorkingDirectory.FullPath);
        EnvironmentName = ChooseEnvironment();
        Checkout = new Checkout(context, RepositoryRoot);
        var webhook = Options.Get(PipelineOptions.NotifyWebhook);
        Reporting = new RunReporting(context, RepositoryRoot, Path.Combine(ArtifactsDirectory, "reports"), EnvironmentName, Checkout,
            [.. Options.SecretValues, .. webhook is { Length: > 0 } ? [webhook] : Array.Empty<string>()], webhook);
    }

    /// <summary>Every option of <see cref="PipelineOptions"/>, read and checked by the host before any task runs.</summary>
    public OptionValues Options { get; }

    /// <summary>The run's log, reports, GitHub Actions output and notifications; it knows every secret value the run was given (the webhook URL too).</summary>
    public RunReporting Reporting { get; }

    /// <summary>The environment --env names (local when none is given): one the environments file declares.</summary>
    public string EnvironmentName { get; }

    public string RepositoryRoot { get; }

    /// <summary>The commit and version this run builds (read on first use; Refresh after release commits).</summary>
    public Checkout Checkout { get; }

    private readonly ConcurrentDictionary<DockerEngine, StrongBox<CheckedBeforeTraffic?>> _checkedBeforeTraffic = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// deploy's check of its slot before the slot took traffic (start-first) on <paramref name="engine"/>'s host, kept for the verify of the
    /// same run there, which reuses what it read inside that container (<see cref="QtsOps.Core.Verification.CheckedBeforeTraffic"/>). One per
    /// host: the hosts of a rollout's group deploy at once, and each verifies its own.
    /// </summary>
    public StrongBox<CheckedBeforeTraffic?> CheckedBeforeTraffic(DockerEngine engine) => _checkedBeforeTraffic.GetOrAdd(engine, _ => new());

    /// <summary>
    /// The digest push had the registry confirm for this version, when push ran in this run: deploy pulls exactly
    /// that on an ssh:// host, whatever the tag names by then (a tag can be moved; a digest cannot).
    /// </summary>
    public StrongBox<string?> PushedDigest { get; } = new();

    /// <summary>The images this run saved to send to engines that did not build them, each once (deleted by <see cref="End"/>).</summary>
    public ImageArchives ImageArchives { get; } = new();

    /// <summary>Stops of slots that served before a switch, begun by deploy or rollback, per host; the run's end waits for them.</summary>
    public SlotStopsByHost SlotStops { get; } = new();

    public string ArtifactsDirectory => Path.Combine(RepositoryRoot, "artifacts");
    public string ReportsDirectory => Reporting.ReportsDirectory;

    /// <summary>State that outlives clean: Terraform state, release history, backups, locks.</summary>
    public string StateDirectory => Path.Combine(RepositoryRoot, ".qtsops");

    /// <summary>Where the environment's Terraform root module, state, plan and outputs are.</summary>
    public TerraformEnvironment Terraform => TerraformEnvironment.For(EnvironmentName, RepositoryRoot, StateDirectory, ArtifactsDirectory);

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
        _catalog ??= EnvironmentCatalog.Load(EnvironmentsFile, EnvironmentsFileGivenBy);

    private string? EnvironmentsFileGivenBy =>
        Options.Get(PipelineOptions.EnvironmentsFile) is null ? null : $"--{PipelineOptions.EnvironmentsFile.Name} (or {PipelineOptions.EnvironmentsFile.Variable})";

    /// <summary>--environments=FILE (relative to the working directory), else the checked-in environments.json.</summary>
    public string EnvironmentsFile => EnvironmentsFileOf(RepositoryRoot, Environment.WorkingDirectory.FullPath, Options.Get(PipelineOptions.EnvironmentsFile));

    private static string EnvironmentsFileOf(string repositoryRoot, string workingDirectory, string? given) =>
        given is null ? Path.Combine(repositoryRoot, EnvironmentCatalog.FileName) : Path.GetFullPath(given, workingDirectory);

    /// <summary>--env (or QTSOPS_ENV), else local: one the environments file declares, as each of --protected-environments must be.</summary>
    private string ChooseEnvironment()
    {
        var origin = Options.OriginOf(PipelineOptions.Environment);
        var given = origin is null ? null : Options.Get(PipelineOptions.Environment);
        IReadOnlyList<string> declared;
        try
        {
            declared = EnvironmentCatalog.DeclaredNames(EnvironmentsFile, EnvironmentsFileGivenBy);
        }
        catch (SettingsFileException)
        {
            return EnvironmentChoice.Unchecked(given, origin); // the first use of the environments reports the file's problem
        }
        EnvironmentChoice.CheckDeclared(Options.Get(PipelineOptions.ProtectedEnvironments),
            Options.OriginOf(PipelineOptions.ProtectedEnvironments) ?? $"--{PipelineOptions.ProtectedEnvironments.Name}", declared, EnvironmentsFile);
        return EnvironmentChoice.Choose(given, origin, declared, EnvironmentsFile);
    }

    /// <summary>
    /// --help's list of the environments (--env=NAME): those the environments file declares, read now. A file
    /// that cannot be read is named with its problem, and help goes on.
    /// </summary>
    /// <param name="options">The options as given; null when they cannot be read (the checked-in file is listed then).</param>
    public static string EnvironmentsHelp(string workingDirectory, OptionValues? options)
    {
        try
        {
            var file = EnvironmentsFileOf(FindRepositoryRoot(workingDirectory), workingDirectory, options?.Get(PipelineOptions.EnvironmentsFile));
            var names = EnvironmentCatalog.DeclaredNames(file);
            var fallback = names.Contains(EnvironmentChoice.DefaultName) ? $"default {EnvironmentChoice.DefaultName}" : $"it declares no {EnvironmentChoice.DefaultName}: --env is required";
            return $"Environments (--env=NAME), as {file} declares them: {string.Join(", ", names)} ({fallback})";
        }
        catch (Exception unreadable) when (unreadable is SettingsFileException or PipelineException)
        {
            return $"Environments (--env=NAME): not listed, as the environments file cannot be read: {unreadable.Message}";
        }
    }

    /// <summary>
    /// The chosen environment's settings from environments.json (read on first use), with the
    /// command-line overrides --port, --settle-seconds and --health-timeout-seconds.
    /// </summary>
    public DeploymentEnvironment Target => _target ??= LoadTarget();

    /// <summary>DOCKER_HOST for every docker call: --docker-host or QTSOPS_DOCKER_HOST, else the environment's (null: this machine's engine).</summary>
    public string? DockerHost => Options.Get(PipelineOptions.DockerHost) ?? Target.DockerHost;

    private SshTransport? _ssh;

    /// <summary>The ssh client settings of an ssh:// engine (files written on first use, deleted by <see cref="End"/>).</summary>
    public SshTransport Ssh => _ssh ??= new SshTransport(
        Options.Get(PipelineOptions.SshKey),
        Options.Get(PipelineOptions.SshKeyFile) is { } file ? ResolveGivenPath(file) : null,
        Options.Get(PipelineOptions.SshKnownHosts),
        System.Environment.GetEnvironmentVariable("PATH"));

    private readonly Dictionary<string, DockerEngine> _engines = new(StringComparer.Ordinal);

    /// <summary>
    /// The run's engine named <paramref name="key"/> (its address, and for an ssh host the deploy directory its files are in), made by
    /// <paramref name="make"/> on first use: one per run, so <c>docker info</c> is asked once a run and its counts add up over the run's tasks.
    /// </summary>
    public DockerEngine Engine(string key, Func<DockerEngine> make)
    {
        lock (_engines) return _engines.TryGetValue(key, out var engine) ? engine : _engines[key] = make();
    }

    /// <summary>Deletes the key and known_hosts this run wrote for ssh and the images it saved, however the run ended.</summary>
    public void End()
    {
        _ssh?.Dispose();
        ImageArchives.Dispose();
    }

    /// <summary>The source URL of the image's labels (--source-url, else the origin remote), without user info: it is pushed with the image.</summary>
    public string SourceUrl => UrlUserInfo.Remove(Options.Get(PipelineOptions.SourceUrl) ?? this.GitRemoteUrl(RepositoryRoot, "origin") ?? "unknown");

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

    /// <summary>The release bundle verify-release and a protected deploy check: --bundle=DIR, else this version's artifacts/bundle/&lt;version&gt;/.</summary>
    public string ReleaseBundle => Options.Get(PipelineOptions.BundleDirectory) is { } given
        ? ResolveGivenPath(given)
        : Releasing.BundleWriter.DirectoryOf(ArtifactsDirectory, Checkout.VersionTag);

    /// <summary>The release a rollback to an environment with requireVerifiedRelease puts back: its bundle's version, verified before the run began.</summary>
    public string? VerifiedRollbackVersion { get; set; }

    /// <summary>The allowed_signers file release signatures are checked against: QTSOPS_ALLOWED_SIGNERS, else the repository's.</summary>
    public string AllowedSigners => Options.Get(PipelineOptions.AllowedSigners) is { } given
        ? ResolveGivenPath(given)
        : Path.Combine(RepositoryRoot, "allowed_signers");

    /// <summary>Whether NAME was given as a --target (not merely reached as a dependency).</summary>
    public bool IsRequestedTarget(string name) => Arguments.GetArguments("target").Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The environments environments.json declares, in its order.</summary>
    public IReadOnlyList<string> DeclaredEnvironments => [.. Catalog.Keys];

    /// <summary>
    /// An environment's settings as its deploy uses them: environments.json, with where Terraform says the
    /// release goes (apply's outputs.json), which wins over the checked-in settings. No command-line overrides.
    /// </summary>
    public DeploymentEnvironment Provisioned(string name)
    {
        var outputs = TerraformEnvironment.For(name, RepositoryRoot, StateDirectory, ArtifactsDirectory).OutputsFile;
        return File.Exists(outputs) && ProvisionedTarget.Read(outputs) is { } provisioned
            ? provisioned.ApplyTo(Catalog[name], Path.GetRelativePath(RepositoryRoot, outputs))
            : Catalog[name];
    }

    private DeploymentEnvironment LoadTarget() => WithOverrides(Provisioned(EnvironmentName));

    private IReadOnlyList<EnvironmentHost>? _hosts;

    /// <summary>
    /// The hosts this run works on, of an environment that lists "hosts": those --hosts names (by name or label), else all,
    /// in the file's order, each with the run's command-line overrides. Empty for an environment of one engine.
    /// </summary>
    public IReadOnlyList<EnvironmentHost> Hosts => _hosts ??= SelectHosts();

    /// <summary>The hosts this run's rollout verified: the verify target after it does not ask them again (names; added to by one thread at a time).</summary>
    public ISet<string> HostsVerified { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Which hosts the run works on when only some of the environment's (null when all): its report and each host's history say so.</summary>
    public HostSubset? Subset => HostSubset.Of(Target, Hosts);

    private IReadOnlyList<EnvironmentHost> SelectHosts()
    {
        try
        {
            return [.. HostSelection.Select(Target, Options.Get(PipelineOptions.Hosts)).Select(host => host with { Environment = WithOverrides(host.Environment) })];
        }
        catch (HostSelectionException unknown)
        {
            throw new PipelineException(unknown.Message);
        }
    }

    private DeploymentEnvironment WithOverrides(DeploymentEnvironment environment)
    {
        var port = Options.Get(PipelineOptions.Port);
        var strategy = DeployStrategies.Parse(Options.Get(PipelineOptions.Strategy)) ?? environment.Strategy;
        if (strategy == DeployStrategy.Canary && environment.Canary is null)
            throw new PipelineException($"--strategy=canary needs the environment's \"{CanarySettings.Key}\" settings, and '{environment.Name}' in {EnvironmentsFile} has none. " +
                $"Fix: add \"{CanarySettings.Key}\": {CanarySettings.Example} to '{environment.Name}', or deploy with --strategy=start-first.");
        return environment with
        {
            Port = port ?? environment.Port,
            Strategy = strategy,
            HealthUrl = port is { } published ? new UriBuilder(environment.HealthUrl) { Port = published }.Uri.ToString() : environment.HealthUrl,
            SettleSeconds = Options.Get(PipelineOptions.SettleSeconds) ?? environment.SettleSeconds,
            HealthTimeoutSeconds = Options.Get(PipelineOptions.HealthTimeoutSeconds) ?? environment.HealthTimeoutSeconds,
        };
    }

    private static string FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "QtsOps.sln"))) return directory.FullName;
        throw new PipelineException($"No QtsOps.sln in '{start}' or any folder above it: run ./build.sh from the QtsOps repository (or pass --working=DIR).");
    }
}
