using Cake.Core.Diagnostics;
using QtsOps.Build.Registry;

namespace QtsOps.Build.Deployment;

/// <summary>Whether the registry answers and takes the run's login: through this machine's engine, which pushes, else the host's, which pulls.</summary>
/// <param name="images">The engine that builds and pushes the image (this machine's, for an ssh:// host).</param>
/// <param name="registry">The run's registry login, read when it is used; null when the environment has no registry.</param>
/// <param name="environmentsFile">Named in the fix when the environment has no registry.</param>
public sealed class RegistryLoginCheck(DockerEngine engine, DockerEngine images, Func<RegistryAccess>? registry, string environmentsFile, ICakeLog log)
{
    /// <summary>Whether the run uses the registry: it pushes, or a remote host pulls from it.</summary>
    public bool IsUsed(bool pushes) => pushes || (engine.IsRemote && registry is not null);

    /// <returns>What is wrong with the login, or null.</returns>
    public string? Problem(string environment, bool pushes)
    {
        try
        {
            var access = registry?.Invoke() ?? throw new PipelineException(RegistryAccess.NoRegistry(environment, environmentsFile));
            access.EnsureAnswers();
            return access.LoginProblem(pushes ? images : engine, pushes, log);
        }
        catch (PipelineException exception)
        {
            return exception.Message;
        }
    }
}
