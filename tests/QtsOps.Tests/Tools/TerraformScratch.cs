namespace QtsOps.Tests.Tools;

/// <summary>
/// A committed scratch checkout of environments.json and src/infra for Terraform runs of the pipeline,
/// with GITHUB_ACTIONS unset (under GitHub Actions the log is grouped and annotated: the tests decide it).
/// </summary>
public sealed class TerraformScratch : IDisposable
{
    public ScratchRepository Repo { get; } = new("environments.json", "src/infra");

    public EnvironmentVariableScope Environment { get; } = new EnvironmentVariableScope().Set("GITHUB_ACTIONS", null);

    public TerraformScratch() => Repo.Commit(DateTimeOffset.Now, "infrastructure");

    public void Dispose()
    {
        Environment.Dispose();
        Repo.Dispose();
    }
}
