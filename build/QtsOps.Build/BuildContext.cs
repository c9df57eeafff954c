using System.Globalization;
using Cake.Core;
using QtsOps.Host;
using QtsOps.Release.Environments;
using QtsOps.Release.Images;
using QtsOps.Tools.Git;

namespace QtsOps.Build;

/// <summary>Typed settings, read once from the command line and the environment, validated up front.</summary>
public sealed class BuildContext : FrostingContext
{
    public static readonly string[] Environments = ["local", "staging", "prod"];

    public BuildContext(ICakeContext context) : base(context)
    {
        EnvironmentName = Setting("env", "QTSOPS_ENV") ?? "local";
        if (!Environments.Contains(EnvironmentName))
            throw new PipelineException($"Unknown environment '{EnvironmentName}' (from --env or QTSOPS_ENV). Use one of: {string.Join(", ", Environments)}.");
        RepositoryRoot = FindRepositoryRoot(context.Environment.WorkingDirectory.FullPath);
    }

    /// <summary>local, staging or prod.</summary>
    public string EnvironmentName { get; }

    public string RepositoryRoot { get; }

    private GitCommitInfo? _commit;

    /// <summary>The commit being built (read on first use: not every target needs git).</summary>
    public GitCommitInfo Commit => _commit ??= this.GitCurrentCommit(RepositoryRoot);

    /// <summary>The version every output carries.</summary>
    public string Version => $"0.0.0-dev.{Commit.ShortSha}";

    public string ArtifactsDirectory => Path.Combine(RepositoryRoot, "artifacts");
    public string ReportsDirectory => Path.Combine(ArtifactsDirectory, "reports");

    /// <summary>State that outlives clean: Terraform state, release history, backups, locks.</summary>
    public string StateDirectory => Path.Combine(RepositoryRoot, ".qtsops");

    /// <summary>The deploy package the package target assembles; the image is built from exactly these files.</summary>
    public string PackageDirectory => Path.Combine(ArtifactsDirectory, "package", "qts_ops_deploy");

    private DeploymentEnvironment? _target;

    /// <summary>
    /// The chosen environment's settings from environments.json (read on first use), with the
    /// command-line overrides --port, --settle-seconds and --health-timeout-seconds.
    /// </summary>
    public DeploymentEnvironment Target => _target ??= LoadTarget();

    /// <summary>DOCKER_HOST for every docker call: --docker-host or QTSOPS_DOCKER_HOST, else the environment's (null: this machine's engine).</summary>
    public string? DockerHost => Setting("docker-host", "QTSOPS_DOCKER_HOST") ?? Target.DockerHost;

    /// <summary>This version as a Docker tag and release directory name (see <see cref="ImageTags.Sanitize"/>).</summary>
    public string ReleaseName => ImageTags.Sanitize(Version);

    /// <summary>The image this run builds and deploys.</summary>
    public string ImageReference => $"{Target.ImageRepository}:{ReleaseName}";

    /// <summary>An environment path as an absolute path (relative ones are relative to the repository root).</summary>
    public string ResolvePath(string path) => EnvironmentCatalog.Resolve(RepositoryRoot, path);

    /// <summary>A protected environment changes only with --confirm=&lt;its name&gt;.</summary>
    public void RequireConfirmation(string action)
    {
        if (Target.Protected && Setting("confirm") != Target.Name)
            throw new PipelineException($"'{Target.Name}' is protected: {action} needs --confirm={Target.Name}.");
    }

    /// <summary>A whole-number setting (--NAME or an environment variable) within bounds, or null when absent.</summary>
    public int? IntegerSetting(string argument, int minimum, int maximum, string? environmentVariable = null)
    {
        if (Setting(argument, environmentVariable) is not { } text) return null;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum) return value;
        throw new PipelineException($"--{argument} must be a whole number from {minimum} to {maximum} (got '{text}').");
    }

    private DeploymentEnvironment LoadTarget()
    {
        var environment = EnvironmentCatalog.Load(Path.Combine(RepositoryRoot, EnvironmentCatalog.FileName), Environments)[EnvironmentName];
        var port = IntegerSetting("port", 1, 65535);
        return environment with
        {
            Port = port ?? environment.Port,
            HealthUrl = port is { } published ? new UriBuilder(environment.HealthUrl) { Port = published }.Uri.ToString() : environment.HealthUrl,
            SettleSeconds = IntegerSetting("settle-seconds", 1, 3600) ?? environment.SettleSeconds,
            HealthTimeoutSeconds = IntegerSetting("health-timeout-seconds", 5, 3600) ?? environment.HealthTimeoutSeconds,
        };
    }

    /// <summary>A command-line argument, else an environment variable, else null.</summary>
    public string? Setting(string argument, string? environmentVariable = null)
    {
        if (Arguments.HasArgument(argument)) return Arguments.GetArguments(argument).Last();
        return environmentVariable is null ? null : Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } value ? value : null;
    }

    /// <summary>A switch such as --strict: absent is false, bare or "true" is true.</summary>
    public bool Switch(string argument, bool defaultValue = false) => Setting(argument) switch
    {
        null => defaultValue,
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        var other => throw new PipelineException($"--{argument} is a switch: give it no value, or true/false (got '{other}')."),
    };

    private static string FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "QtsOps.sln"))) return directory.FullName;
        throw new PipelineException($"No QtsOps.sln in '{start}' or any folder above it: run ./build.sh from the QtsOps repository (or pass --working=DIR).");
    }
}
