namespace QtsOps.Tests.Tools;

internal static class PipelineCheckout
{
    /// <summary>A git repository holding the checked-in environments.json, one commit, where the pipeline runs in-process.</summary>
    public static TempGitRepository WithEnvironments()
    {
        var repo = new TempGitRepository();
        repo.Write("QtsOps.sln", "");
        SourceRepository.CopyTo("environments.json", repo.Combine("environments.json"));
        repo.Commit("feat: environments");
        return repo;
    }
}
