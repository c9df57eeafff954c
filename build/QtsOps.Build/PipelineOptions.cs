using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Host.Options;

namespace QtsOps.Build;

/// <summary>
/// Every option of the pipeline, declared once. The host reads them all before any task runs
/// (unknown names and bad values stop the run), --help lists them by the targets that read them,
/// and the option table of docs/OPERATIONS.md is generated from this list. Tasks read them through
/// <see cref="BuildContext.Options"/>: <c>context.Options.Get(PipelineOptions.Port)</c>.
/// </summary>
public static class PipelineOptions
{
    private static readonly string[] Engine = EngineSetup.EngineTargets;
    private static readonly string[] Running = ["deploy", "verify", "rollback", "restore"];
    private static readonly string[] Infrastructure = ["terraform-plan", "apply"];
    private static readonly string[] RegistryUsers = ["push", "deploy", "bundle", "verify-release", "publish-release"];
    private static readonly string[] ReleaseVerifiers = ["verify-release", "publish-release", "deploy", "rollback"];

    public static readonly TextOption Environment = new("env", "The environment to build for and deploy to: one the environments file declares (--help lists them)")
        { Variable = "QTSOPS_ENV", Syntax = "NAME", Default = EnvironmentChoice.DefaultName };

    public static readonly TextOption EnvironmentsFile = new("environments", "Another environments file of the same format instead of the checked-in environments.json")
        { Variable = "QTSOPS_ENVIRONMENTS", Syntax = "FILE" };

    public static readonly SwitchOption NoSetup = new("no-setup", "The pipeline neither installs nor starts this machine's Docker engine (build/setup.sh) before a run that needs it")
        { Variable = "QTSOPS_NO_SETUP" };

    public static readonly SwitchOption Strict = new("strict", "Warnings fail too") { Targets = ["validate"] };

    public static readonly TextOption TestFilter = new("test-filter", "Runs only the tests this dotnet test filter selects") { Targets = ["test"], Syntax = "EXPR" };

    public static readonly TextOption DockerHost = new("docker-host", "The Docker engine instead of the environment's dockerHost (unix://, tcp://, ssh://user@host)")
        { Variable = "QTSOPS_DOCKER_HOST", Targets = Engine, Syntax = "URL", Prefixes = EnvironmentCatalog.DockerHostSchemes };

    public static readonly TextOption SshKey = new("ssh-key", "The private key (its text) for an ssh:// Docker host, written 0600 for the run only")
        { Variable = "QTSOPS_SSH_KEY", Targets = Engine, Secret = true };

    public static readonly TextOption SshKeyFile = new("ssh-key-file", "The private key file for an ssh:// Docker host (default: the ssh agent and ~/.ssh/config)")
        { Variable = "QTSOPS_SSH_KEY_FILE", Targets = Engine, Syntax = "FILE" };

    public static readonly TextOption SshKnownHosts = new("ssh-known-hosts", "known_hosts lines that pin the ssh:// Docker host's key (default: ~/.ssh/known_hosts)")
        { Variable = "QTSOPS_SSH_KNOWN_HOSTS", Targets = Engine, Secret = true };

    public static readonly TextOption BaseImage = new("base-image", "The Python 3.11 base image instead of the one the Dockerfile names")
        { Variable = "BASE_IMAGE", Targets = ["image"], Syntax = "NAME" };

    public static readonly SwitchOption BootstrapBase = new("bootstrap-base", "Builds the base image offline with debootstrap when the engine has none (default: environments.json's bootstrapBaseImage)")
        { Targets = ["image"] };

    public static readonly TextOption DebianMirror = new("debian-mirror", "The Debian mirror debootstrap uses for the base image")
        { Variable = "QTSOPS_DEBIAN_MIRROR", Targets = ["image"], Syntax = "URL", Default = "http://deb.debian.org/debian" };

    public static readonly TextOption DebianSecurityMirror = new("debian-security-mirror", "The Debian security archive the bootstrapped base and edge images take their updates from")
        { Variable = "QTSOPS_DEBIAN_SECURITY_MIRROR", Targets = ["image", "deploy"], Syntax = "URL", Default = "http://deb.debian.org/debian-security" };

    public static readonly TextOption SourceUrl = new("source-url", "The source URL in the image's labels (default: the origin remote)")
        { Variable = "QTSOPS_SOURCE_URL", Targets = ["image"], Syntax = "URL" };

    public static readonly TextOption Registry = new("registry", "The registry to push to (and an ssh:// host to pull from) instead of the environment's")
        { Targets = ["push", "deploy"], Syntax = "HOST:PORT" };

    public static readonly TextOption RegistryUsername = new("registry-username", "The registry login's user name (no login when unset)")
        { Variable = "QTSOPS_REGISTRY_USERNAME", Targets = RegistryUsers, Syntax = "NAME" };

    public static readonly TextOption RegistryPassword = new("registry-password", "The registry login's password or token")
        { Variable = "QTSOPS_REGISTRY_PASSWORD", Targets = RegistryUsers, Secret = true };

    public static readonly TextOption SigningKey = new("signing-key", "The private SSH key (its text) that signs the bundle and the release tag, written 0600 for the run only")
        { Variable = "QTSOPS_SIGNING_KEY", Targets = ["release", "bundle"], Secret = true };

    public static readonly TextOption SigningKeyFile = new("signing-key-file", "The private SSH key file that signs the bundle and the release tag (no key: neither is signed)")
        { Variable = "QTSOPS_SIGNING_KEY_FILE", Targets = ["release", "bundle"], Syntax = "FILE" };

    public static readonly TextOption AllowedSigners = new("allowed-signers", "The allowed_signers file release signatures are checked against instead of the repository's")
        { Variable = "QTSOPS_ALLOWED_SIGNERS", Targets = ReleaseVerifiers, Syntax = "FILE" };

    public static readonly TextOption BundleDirectory = new("bundle", "The release bundle to check instead of this checkout version's artifacts/bundle/VERSION/")
        { Targets = ReleaseVerifiers, Syntax = "DIR" };

    public static readonly ListOption ProtectedEnvironments = new("protected-environments", "Environments to protect beside those environments.json marks (never fewer)")
        { Variable = "QTSOPS_PROTECTED_ENVIRONMENTS", Targets = ["terraform-plan", "apply", "deploy", "rollback", "verify", "restore", "down"], Syntax = "ENV", CommaSeparated = true };

    public static readonly SwitchOption AllowDestroy = new("allow-destroy", "A plan may delete or replace resources of a protected environment")
        { Targets = Infrastructure };

    public static readonly ListOption VarFile = new("var-file", "A .tfvars file for the plan, after the root module's terraform.tfvars")
        { Targets = ["terraform-plan"], Syntax = "PATH" };

    public static readonly ListOption Var = new("var", "A Terraform variable for the plan (masked in logs)")
        { Targets = ["terraform-plan"], Syntax = "NAME=VALUE" };

    public static readonly IntegerOption TerraformInitTimeout = new("terraform-init-timeout", "Seconds terraform init may take (it downloads providers)", 1, 3600)
        { Targets = ["terraform-plan"], Default = 300 };

    public static readonly SwitchOption Approve = new("approve", "Confirms a change to a protected environment")
        { Targets = ["apply", "deploy", "rollback", "verify", "restore", "down"] };

    public static readonly SwitchOption AllowPreRelease = new("allow-prerelease", "A pre-release version (1.4.0-rc.1) may go to a protected environment")
        { Targets = ["apply", "deploy"] };

    public static readonly SwitchOption ForceDeploy = new("force-deploy", "Deploys even when this version already runs healthy: the container is recreated")
        { Targets = ["deploy"] };

    public static readonly SwitchOption TakeOver = new("take-over", "Deploys over a container another deployment started (its data is backed up first)")
        { Targets = ["deploy"] };

    public static readonly SwitchOption NoRollback = new("no-rollback", "A failed release is left as it is instead of rolled back")
        { Targets = ["deploy", "verify"] };

    public static readonly ChoiceOption Strategy = new("strategy", "How the release replaces the one that serves, instead of the environment's strategy: " +
        "start-first (beside it, behind the edge; switched once healthy), recreate (replaced in place) " +
        "or canary (start-first, a share of requests first: the environment's \"canary\")", [.. DeployStrategies.Names])
        { Targets = Running };

    public static readonly SwitchOption CanaryHold = new("canary-hold", "A canary deploy leaves the canary running after its window, whatever its verdict, " +
        "until --target=promote or --target=abort ends it (from any machine)")
        { Targets = ["deploy"] };

    public static readonly TextOption Hosts = new("hosts", "Works on only these hosts of an environment that lists \"hosts\": their names or labels, separated by commas (default: all)")
        { Targets = [.. Running, "status"], Syntax = "NAMES" };

    public static readonly IntegerOption Port = new("port", "Publishes the service on this port instead of the environment's", 1, 65535)
        { Targets = Running };

    public static readonly IntegerOption SettleSeconds = new("settle-seconds", "Seconds verify waits before the checks that need the service to settle", 1, 3600)
        { Targets = Running };

    public static readonly IntegerOption HealthTimeoutSeconds = new("health-timeout-seconds", "Seconds a release has to become healthy", 5, 3600)
        { Targets = Running };

    public static readonly TextOption NotifyWebhook = new("notify-webhook", "Posts deploy, verify and rollback outcomes to this webhook (a secret: logged as scheme and host)")
        { Variable = "QTSOPS_NOTIFY_WEBHOOK", Targets = ["deploy", "verify", "rollback"], Syntax = "URL" };

    public static readonly TextOption RollbackTo = new("to", "The release to put back instead of the last verified one")
        { Targets = ["rollback"], Syntax = "VERSION" };

    public static readonly TextOption Backup = new("backup", "The backup to restore (a file name in the environment's backup directory) instead of the newest")
        { Targets = ["restore"], Syntax = "NAME" };

    public static readonly IntegerOption Limit = new("limit", "How many history entries status shows", 1, 1000)
        { Targets = ["status"], Default = 10 };

    public static readonly ChoiceOption Bump = new("bump", "The part of the last version to raise", "major", "minor", "patch")
        { Targets = ["release"] };

    public static readonly TextOption ReleaseVersion = new("version", "The version to release instead of a bump (a bare --version shows the host's)")
        { Targets = ["release"], Syntax = "X.Y.Z" };

    public static readonly TextOption ReleaseBranch = new("release-branch", "The only branch releases are cut from, and whose commits (on origin) a protected environment takes")
        { Variable = "QTSOPS_RELEASE_BRANCH", Targets = ["release", "deploy"], Syntax = "NAME", Default = "main" };

    public static readonly SwitchOption Push = new("push", "Pushes the release commit and its tag to origin")
        { Targets = ["release"] };

    public static readonly TextOption GitToken = new("git-token", "The token --push sends to an https:// origin")
        { Variable = "QTSOPS_GIT_TOKEN", Targets = ["release"], Secret = true };

    public static IReadOnlyList<Option> All { get; } =
    [
        Environment, EnvironmentsFile, NoSetup, Strict, TestFilter, DockerHost, SshKey, SshKeyFile, SshKnownHosts, BaseImage, BootstrapBase, DebianMirror, DebianSecurityMirror, SourceUrl,
        Registry, RegistryUsername, RegistryPassword, SigningKey, SigningKeyFile, AllowedSigners, BundleDirectory, ProtectedEnvironments, AllowDestroy, VarFile, Var, TerraformInitTimeout,
        Approve, AllowPreRelease, ForceDeploy, TakeOver, NoRollback, Strategy, CanaryHold, Hosts, Port, SettleSeconds, HealthTimeoutSeconds, NotifyWebhook, RollbackTo, Backup, Limit,
        Bump, ReleaseVersion, ReleaseBranch, Push, GitToken,
    ];
}
