using QtsOps.Build.Deployment;
using QtsOps.Build.Deployment.Fleet;
using QtsOps.Build.Deployment.Swarm;
using QtsOps.Build.Images;
using QtsOps.Build.Registry;
using QtsOps.Build.Releasing;
using QtsOps.Core.Bundling;
using QtsOps.Core.Deployment;
using QtsOps.Tools.Git;
using QtsOps.Build.Terraform;
using QtsOps.Core.Environments;
using QtsOps.Core.Fleet;
using QtsOps.Core.Pages;
using QtsOps.Core.Swarm;

namespace QtsOps.Build;

/// <summary>
/// Makes the classes that build, publish, provision and deploy from this run's settings, giving each only what
/// it uses: the one place that knows who needs what. A task makes its own, after the tasks before it
/// ran (apply may have changed where the release goes); the engine is the run's (<see cref="BuildContext.Engine"/>),
/// which asks <c>docker info</c> once a run.
/// </summary>
/// <param name="environment">Another environment than the run's (the dashboard of all); its own settings and engine, no command-line overrides.</param>
public sealed class Wiring(BuildContext context, DeploymentEnvironment? environment = null)
{
    private DeploymentEnvironment Target => environment ?? context.Target;

    private string? DockerHost => environment is null ? context.DockerHost : environment.DockerHost;

    private DockerEngine? _engine;

    /// <summary>The environment's engine; its host is where the environment's files, history, lock and backups are.</summary>
    public DockerEngine Engine => _engine ??= EngineAt(DockerHost);

    private DockerEngine? _images;

    /// <summary>
    /// The engine that builds and pushes the image: the environment's, except for an ssh:// host, which gets the image
    /// from the registry (or over its ssh connection) and never builds, a swarm's manager, and an environment of several
    /// hosts (on this machine's sockets too), each of which gets it from there: this machine's.
    /// </summary>
    public DockerEngine Images => _images ??= SshTransport.IsSshHost(DockerHost) || OnSwarm || context.Target.Hosts.Count > 0 ? EngineAt(null) : Engine;

    /// <summary>
    /// The engine choice, made here only: a swarm environment's deploy and rollback take the swarm's classes
    /// (Deployment/Swarm), a compose one's the compose classes; the tasks call Wiring, never ask which.
    /// A swarm's images are built here, as for an ssh:// host: its dockerHost is a manager, which pulls them.
    /// </summary>
    private bool OnSwarm => Target.Engine == DeploymentEngine.Swarm;

    /// <summary>
    /// The other choice made here only: an environment that lists "hosts" deploys, verifies, rolls back and shows status on
    /// each of the run's hosts (Deployment/Fleet), each host through a Wiring of its own, exactly as a single-host environment.
    /// </summary>
    private bool OnHosts => Target.Hosts.Count > 0;

    private FleetRun? _fleet;

    /// <summary>The run's hosts (--hosts, else all; all of another environment's, for the dashboard), each with its own engine, session and lock.</summary>
    private FleetRun Fleet => _fleet ??= new(Target.Name, [.. RolloutPlan.CanaryOnFirstGroup(RunHosts, Rollout).Select(host => new Wiring(context, host.Environment).AsFleetHost(host))],
        [.. Target.Hosts.Select(h => h.Name).Except(RunHosts.Select(h => h.Name))], context.Reporting, context.HostsVerified);

    /// <summary>The run's hosts for a deploy: --canary-hold without the canary strategy is refused before any host is asked.</summary>
    private FleetRun FleetToDeploy => context.Options.Get(PipelineOptions.CanaryHold) && Target.Strategy != DeployStrategy.Canary ? throw HoldWithoutCanary() : Fleet;

    private IReadOnlyList<EnvironmentHost> RunHosts => environment is null ? context.Hosts : Target.Hosts;

    private RolloutSettings Rollout => Target.Rollout ?? RolloutSettings.OneAtATime;

    /// <summary>This host's single-host classes, all on its one session (the rollout's lock is the one its deploy holds).</summary>
    private FleetHost AsFleetHost(EnvironmentHost host) => new(host, new HostSteps(Preflight, Deployer, VerifyStep, new(RollbackOnDemand, Restorer, Teardown, HostCanaryEnd), new(Releases, Dashboard)),
        purpose => DeployingSession.Locks.Acquire(purpose), ComposeStatus, () => DeployingSession.ReadHost().Current);

    /// <summary>The environment's ssh connections begun in the background (<see cref="SshTransport.ConnectAhead"/>): every run host's, on several hosts.</summary>
    public void ConnectAhead()
    {
        if (OnHosts) foreach (var host in RunHosts) new Wiring(context, host.Environment).Engine.ConnectAhead();
        else Engine.ConnectAhead();
    }

    /// <summary>An engine and its host, counted together (<see cref="CommandCounts"/>): the run's one for that address and deploy directory.</summary>
    private DockerEngine EngineAt(string? dockerHost)
    {
        var deployDirectory = Target.DeployDirectory;
        return context.Engine(SshTransport.IsSshHost(dockerHost) ? $"{dockerHost} {deployDirectory}" : dockerHost ?? "", () =>
        {
            var counts = new CommandCounts(SshTransport.IsSshHost(dockerHost) ? () => context.Ssh.ConnectionsTo(dockerHost) : null);
            return new(context, dockerHost, context.Ssh, () => SshTransport.IsSshHost(dockerHost)
                ? new SshDeploymentHost(() => context.Ssh.Client, dockerHost!, deployDirectory, context.EnvironmentsFile) { Counts = counts }
                : LocalHost(dockerHost, counts), counts);
        });
    }

    /// <summary>
    /// This machine as the environment's host: its history in the checkout's .qtsops, its lock the machine's. A host of several on
    /// this machine's sockets (unix://) keeps both in a folder of its own (.qtsops/hosts/NAME), as an ssh:// host keeps them in its deploy directory.
    /// </summary>
    private LocalDeploymentHost LocalHost(string? dockerHost, CommandCounts counts) => context.Target.Hosts.FirstOrDefault(h => h.Environment.DockerHost == dockerHost) is { } host
        ? new(context.RepositoryRoot, Path.Combine(context.StateDirectory, "hosts", host.Name), lockFolder: host.Name) { Counts = counts }
        : new(context.RepositoryRoot, context.StateDirectory) { Counts = counts };

    public BaseImageResolver BaseImages() => new(Images, context, new BaseImageChoice(
        context.Options.Get(PipelineOptions.BaseImage),
        context.Options.IsGiven(PipelineOptions.BootstrapBase) ? context.Options.Get(PipelineOptions.BootstrapBase) : Target.BootstrapBaseImage,
        context.Options.Get(PipelineOptions.DebianMirror)!, context.Options.Get(PipelineOptions.DebianSecurityMirror)!), context.StateDirectory);

    public ImageBuilder ImageBuilder() =>
        new(Images, BaseImages(), Target, context.Checkout, context.PackageDirectory, context.ArtifactsDirectory, () => context.SourceUrl, context.Reporting);

    public ImagePublisher ImagePublisher() => new(Images, Target, context.Checkout, RegistryAccess.Of(context), context.Reporting);

    public BundleWriter BundleWriter() => new(Images, Target, context.Checkout, RegistryAccess.Of(context), context.RepositoryRoot, context.ArtifactsDirectory,
        SigningKey, BuildFacts(), Path.Combine(AppContext.BaseDirectory, "pipeline-assets"), context.Reporting);

    /// <summary>The release key (QTSOPS_SIGNING_KEY or QTSOPS_SIGNING_KEY_FILE) for one signing step; null when none is given.</summary>
    public SigningKey? SigningKey() => OperatingSystem.IsWindows()
        ? throw new PipelineException("Signing a release needs Linux or macOS for now (ssh-keygen and a 0600 key file).")
        : Releasing.SigningKey.From(context.Options.Get(PipelineOptions.SigningKey), context.Options.Get(PipelineOptions.SigningKeyFile) is { } file ? context.ResolveGivenPath(file) : null);

    /// <summary>The source, builder and parameters the bundle's provenance states: the workflow run in GitHub Actions, else this machine.</summary>
    private BuildFacts BuildFacts()
    {
        var variable = context.Environment.GetEnvironmentVariable;
        var run = variable("GITHUB_RUN_ID") is { Length: > 0 } id && context.Reporting.IsGitHubActions
            ? $"{variable("GITHUB_SERVER_URL")}/{variable("GITHUB_REPOSITORY")}/actions/runs/{id}/attempts/{variable("GITHUB_RUN_ATTEMPT") ?? "1"}"
            : null;
        var checkout = context.Checkout;
        var tag = $"v{checkout.Version}";
        return new BuildFacts(context.SourceUrl, checkout.Commit.Sha, CommitOfTag(tag) == checkout.Commit.Sha ? tag : null,
            run ?? $"machine:{System.Environment.MachineName}", run ?? Guid.NewGuid().ToString(), DateTimeOffset.UtcNow,
            new Dictionary<string, string> { ["version"] = checkout.Version, ["environment"] = context.EnvironmentName, ["imageRepository"] = Target.ImageRepository });
    }

    private string? CommitOfTag(string tag) => context.GitTags(context.RepositoryRoot).FirstOrDefault(t => t.Name == tag)?.CommitSha;

    public ReleaseVerifier ReleaseVerifier() => new(context.AllowedSigners, context.SourceUrl, version => CommitOfTag($"v{version}"), context.Checkout.Commit.Sha,
        registry => new RegistryManifests(registry, registry == RegistryAccess.RegistryOf(context) ? Target.RegistryTls : true,
            context.Options.Get(PipelineOptions.RegistryUsername), context.Options.Get(PipelineOptions.RegistryPassword)),
        context.Reporting);

    public ReleasePublisher ReleasePublisher() => new(ReleaseVerifier(), context.Reporting);

    public ReleaseGate ReleaseGate() => new(ReleaseVerifier(), context.EnvironmentName);

    /// <summary>The run's registry login, read when it is used (it refuses a user name without a password); null when the environment has none.</summary>
    private Func<RegistryAccess>? Registry => RegistryAccess.RegistryOf(context) is null ? null : () => RegistryAccess.Of(context);

    private DeploySession? _session;

    /// <summary>
    /// What this task's deploy steps share: the engine, the environment, its protection and lock, the reporting, the state they read.
    /// Every step on the environment's engine goes through here: several hosts are refused before the engine is asked.
    /// </summary>
    private DeploySession DeployingSession => _session ??= ClusterRules.WhyNotDeployable(Target) is { } why ? throw new PipelineException(why)
        : new(Engine, Target, context.Protection, new DeploymentLocks(Engine, Target, context.RepositoryRoot, context.Reporting.Log), context.Reporting) { Subset = HostOfSubset };

    /// <summary>On one host of a run limited to some of the environment's hosts (--hosts): which, for each entry its history records.</summary>
    private HostSubset? HostOfSubset => environment?.Name == context.Target.Name && context.Target.Hosts.Count > 0 ? context.Subset : null;

    /// <summary>The session of the steps not built for a swarm yet (restore, down...): a swarm is refused too.</summary>
    private DeploySession Session => ClusterRules.WhyNotOnSwarmYet(Target) is { } why ? throw new PipelineException(why) : DeployingSession;

    private ReleaseStarter? _starter;

    private ReleaseStarter Starter => _starter ??= new(Session, context.Checkout, Edge, context.SlotStops.For(Engine), RunningReleaseCheck);

    /// <summary>The edge of a start-first environment; its image is made on this machine (debootstrap, once) and copied to an ssh:// host.</summary>
    private Edge Edge => new(Session, EdgeImage, Path.Combine(context.RepositoryRoot, "src", "edge", "docker-compose.yml"));

    /// <summary>
    /// The edge image's name and id, the image on the environment's engine: the image of that name on an engine other than the one
    /// that made it (an ssh:// host's, a host of several's) is used only when it is the one made (its id), else it is copied again.
    /// </summary>
    public (string Name, string Id) EdgeImage()
    {
        var (name, made) = BaseImages().Edge();
        if (!Engine.SameAs(Images) && Engine.Image(name)?.Id != made.Id) HostImage().Copy(name);
        return (name, made.Id);
    }

    private HostImage HostImage() => new(Engine, Target, new ImageSource(Images, context.Checkout, Registry, context.PushedDigest, context.ImageArchives), context.Reporting.Log);

    private RunningReleaseCheck RunningReleaseCheck => new(Session, context.RepositoryRoot, context.CheckedBeforeTraffic(Engine));

    private ReleaseRollback Rollback => new(Session, NoRollback, Starter, RunningReleaseCheck);

    private DeployRequest DeployRequest => new(context.Checkout, context.PackageDirectory, context.Options.Get(PipelineOptions.ForceDeploy), context.Options.Get(PipelineOptions.TakeOver), Canary());

    /// <summary>The canary's window of a deploy with strategy canary; null for the others (--canary-hold without it is refused).</summary>
    private CanaryRelease? Canary()
    {
        var hold = context.Options.Get(PipelineOptions.CanaryHold);
        if (Target.Strategy == DeployStrategy.Canary && Target.Canary is { } canary) return new CanaryRelease(Session, Edge, canary, hold);
        return hold ? throw HoldWithoutCanary() : null;
    }

    private PipelineException HoldWithoutCanary() => new($"--canary-hold holds a canary, and '{Target.Name}' deploys {DeployStrategies.Name(Target.Strategy)}. " +
        "Fix: add --strategy=canary (with the environment's \"canary\" settings), or leave --canary-hold out.");

    /// <summary>--target=promote and --target=abort: the end of the canary a deploy --canary-hold left running, on the one host or each of several.</summary>
    public ICanaryEnd HeldCanaryEnd() => OnHosts ? new FleetCanaryEnd(Fleet) : HostCanaryEnd();

    private HeldCanaryEnd HostCanaryEnd() => new(Session, Edge);

    private string? NoRollback => context.Options.Get(PipelineOptions.NoRollback) ? context.Options.OriginOf(PipelineOptions.NoRollback) ?? "--no-rollback" : null;

    /// <summary>The deploy target's work, by the environment's engine.</summary>
    public IReleaseDeployer Deployer() => OnHosts
        // Not DeployRequest: its canary is each host's own, and this environment's would be asked of its first host.
        ? new FleetDeployer(FleetToDeploy, context.Checkout.VersionTag, Rollout, context.Options.Get(PipelineOptions.ForceDeploy), automaticRollback: NoRollback is null && Target.AutomaticRollback)
        : OnSwarm
        ? new SwarmDeployer(DeployingSession, DeployRequest, new SwarmReleaseParts(SwarmImages(), SwarmStacks(), SwarmBackups(), new SwarmNodeFolders(DeployingSession, SwarmJobs())), SwarmRollout(), SwarmRollback(rollbackTo: null))
        : new Deployer(Session, DeployRequest, Starter, Rollback, HostImage());

    /// <summary>The release's and the edge's images in the registry the swarm's nodes pull from; push runs here when the run did not push yet.</summary>
    private SwarmImages SwarmImages() => new(Images, Target, Registry, new SwarmImageSources(() => context.PushedDigest.Value ??= ImagePublisher().Run().Digest,
        () =>
        {
            // Made on this machine, pushed from here: never copied to the manager, whose nodes pull it.
            var (name, made) = BaseImages().Edge();
            return (name, made.Id);
        }), context.Log);

    private SwarmStackFiles SwarmStacks() => new(DeployingSession);

    private SwarmNodeBackups SwarmBackups() => new(DeployingSession, SwarmObserver(), SwarmJobs());

    private SwarmNodeJobs SwarmJobs() => new(DeployingSession, () => SwarmImages().Registry);

    private SwarmRollout SwarmRollout() => new(DeployingSession, () => SwarmImages().Registry);

    private SwarmRollback SwarmRollback(string? rollbackTo) => new(DeployingSession, rollbackTo, new SwarmPutBackParts(SwarmStacks(), SwarmRollout(), SwarmBackups()), NoRollback);

    /// <summary>Reads the swarm through its manager; the probe's image is pulled there with the run's registry login when one is set.</summary>
    private SwarmObserver SwarmObserver() => new(Engine, Registry is { } registry ? () => registry().Open(Engine, "pulling the probe's image from", context.Log) : null);

    private SwarmVerifyStep SwarmVerifyStep() => new(DeployingSession, SwarmStacks(), new SwarmVerify(SwarmObserver(), Target, context.Reporting, SwarmRollback(rollbackTo: null)));

    public IPreflight Preflight() => OnHosts ? new FleetPreflight(FleetToDeploy) : new Preflight(DeployingSession, ReleaseBranch(), new RegistryLoginCheck(Engine, Images, Registry, context.EnvironmentsFile, context.Reporting.Log),
        OnSwarm ? ContainerChecks.None : context.Options.Get(PipelineOptions.TakeOver) ? ContainerChecks.TakingOver : ContainerChecks.All, context.EnvironmentsFile);

    private ReleaseBranch ReleaseBranch() =>
        new(context, context.Checkout, context.RepositoryRoot, context.Protection, context.Options.Get(PipelineOptions.ReleaseBranch)!);

    /// <summary>The verify target's work, by the environment's engine.</summary>
    public IVerifyStep VerifyStep() => OnHosts ? new FleetVerify(Fleet) : OnSwarm ? SwarmVerifyStep() : new VerifyStep(Session, Starter, RunningReleaseCheck, Rollback);

    /// <summary>The rollback target's work, by the environment's engine.</summary>
    public IRollbackOnDemand RollbackOnDemand() => OnHosts ? new FleetSteps(Fleet, new("rollback", "rolled back", "every host of the run rolled back, verified"), host => host.Steps.OnDemand.Rollback().Run, host => host.Steps.OnDemand.Rollback().Preview) : OnSwarm
        ? new VerifiedSwarmRollback(SwarmRollback(RollbackTo), SwarmVerifyStep())
        : new RollbackOnDemand(Session, RollbackTo, Rollback);

    private string? RollbackTo => context.Options.Get(PipelineOptions.RollbackTo) ?? context.VerifiedRollbackVersion;

    /// <summary>terraform-plan and apply; their settings are read here, so bad ones fail before anything changes.</summary>
    public TerraformStage Terraform() => new(context, context.Terraform,
        new InfrastructureSettings(context.Options, context.ResolveGivenPath, context.Environment.WorkingDirectory.FullPath),
        () => context.ConfiguredTarget, context.EnvironmentsFile, context.Checkout, () => context.Protection, context.ReloadTarget, context.Reporting);

    /// <summary>The status target's work, by the environment's engine.</summary>
    public IEnvironmentStatus Status() => OnHosts ? new FleetStatus(Fleet) : OnSwarm ? SwarmStatus() : ComposeStatus();

    private SwarmStatusStep SwarmStatus() => new(DeployingSession, new SwarmStatusReader(SwarmObserver(), Target));

    private StatusReader ComposeStatus() => new(Session, Edge);

    public ReleaseListReader Releases() => new(Session);

    /// <summary>The releases target's work: one engine's listing, or every host's.</summary>
    public IReleasesReport ReleasesReport() => OnHosts ? new FleetReleases(Fleet) : Releases();

    /// <summary>The dashboard's parts of the environment: one, or one per host of an environment of several.</summary>
    public IReadOnlyList<EnvironmentDashboard> Dashboards(int historyEntries) => OnHosts ? new FleetDashboard(Fleet).Read(historyEntries) : [Dashboard().Read(historyEntries)];

    public IDashboardReader Dashboard() => OnSwarm
        ? new SwarmDashboardReader(DeployingSession, SwarmStatus())
        : new DashboardReader(Engine, Target, ComposeStatus(), Releases());

    /// <summary>The down target's work, by the environment's engine.</summary>
    public IEnvironmentTeardown Teardown() => OnHosts
        ? new FleetSteps(Fleet, new("down", "down", "every host of the run is down; its data, releases, backups and history are kept"), host => host.Steps.OnDemand.Teardown().Run)
        : OnSwarm ? new SwarmTeardown(DeployingSession, SwarmRollout()) : new EnvironmentTeardown(Session);

    /// <summary>restore; on a swarm it is refused with why (ClusterRules.WhyNoRestore) before the engine is asked.</summary>
    public IRestorer Restorer() => OnHosts ? new FleetSteps(Fleet, new("restore", "restored", "every host of the run restored, verified"), host => host.Steps.OnDemand.Restore().Run, host => host.Steps.OnDemand.Restore().Preview) : ClusterRules.WhyNoRestore(Target) is { } why ? throw new PipelineException(why)
        : new BackupRestorer(Session, context.Options.Get(PipelineOptions.Backup), Starter, RunningReleaseCheck);
}
