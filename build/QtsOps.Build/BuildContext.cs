using Cake.Core;
using QtsOps.Build.Terraform;
using QtsOps.Host;
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

    private InfrastructureSettings? _infrastructure;

    /// <summary>terraform-plan and apply settings (read on first use: other targets do not need them).</summary>
    public InfrastructureSettings Infrastructure => _infrastructure ??= new InfrastructureSettings(this);

    public string ArtifactsDirectory => Path.Combine(RepositoryRoot, "artifacts");
    public string ReportsDirectory => Path.Combine(ArtifactsDirectory, "reports");

    /// <summary>State that outlives clean: Terraform state, release history, backups, locks.</summary>
    public string StateDirectory => Path.Combine(RepositoryRoot, ".qtsops");

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
