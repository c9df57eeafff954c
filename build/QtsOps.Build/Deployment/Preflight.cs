using System.Diagnostics;
using Cake.Core.Diagnostics;
using QtsOps.Build.Registry;
using QtsOps.Release.Deployment;
using QtsOps.Release.Environments;

namespace QtsOps.Build.Deployment;

/// <summary>
/// What a run that deploys checks before it changes anything (before image, push, terraform-plan and
/// apply): approval, a protected environment's commit on the release branch, the engine (over ssh: the key and the pinned host key), the deploy lock free, the
/// deploy folders writable, the container not another deployment's, the pre-deploy checks, and the
/// registry login where the run pushes or the host pulls. Every problem is listed at once. The deploy
/// checks again under its lock: an image build and an apply can take minutes in between.
/// </summary>
/// <param name="images">The engine that builds and pushes the image (this machine's, for an ssh:// host).</param>
/// <param name="takeOver">--take-over: another deployment's container is no problem.</param>
/// <param name="registry">The run's registry login, read when it is used; null when the environment has no registry.</param>
/// <param name="environmentsFile">Where the environment's folders are set, named in the fix.</param>
public sealed class Preflight(DockerEngine engine, DockerEngine images, DeploymentEnvironment target, ProtectionPolicy protection, ReleaseBranch releaseBranch, bool takeOver,
    DeploymentLocks locks, Deployer deployer, Func<RegistryAccess>? registry, string environmentsFile, ICakeLog log)
{
    /// <param name="pushes">Whether the run pushes the image: the registry must then take its login, or no login.</param>
    public void Run(bool pushes)
    {
        var timer = Stopwatch.StartNew();
        protection.Require(target.Name, ProtectedChange.Deploy);
        releaseBranch.Require(target.Name);
        var info = engine.EnsureReachable();
        var host = engine.Host;
        var problems = new List<string>();
        var lockFile = locks.LockFile;
        if (host.InspectLock(lockFile) is { Held: true } held)
            problems.Add(new DeploymentLockedException(target.Name, host.Where(lockFile), held.Owner).Message);
        foreach (var folder in host.Unwritable([host.Resolve(target.DeployDirectory), host.StateDirectory, host.Resolve(target.BackupDirectory)]))
            problems.Add($"{host.Where(folder)} cannot be created or written by this run's user. " +
                $"Fix: create it and give it to that user, or choose another folder in {environmentsFile}.");
        if (!takeOver && deployer.Foreign() is var (_, refusal)) problems.Add(refusal);
        problems.AddRange(deployer.PreDeployProblems(info));
        var usesRegistry = pushes || (engine.IsRemote && registry is not null);
        if (usesRegistry && RegistryProblem(pushes) is { } login) problems.Add(login);
        if (problems.Count > 0)
            throw new PipelineException($"Preflight of '{target.Name}' on {engine.Describe()} failed; nothing was built, pushed or applied:" +
                $"{Environment.NewLine}  - {string.Join($"{Environment.NewLine}  - ", problems)}");
        log.Information($"Preflight of '{target.Name}' passed in {timer.Elapsed.TotalSeconds:0.0} s: engine {info.ServerVersion} on {engine.Describe()}, " +
            $"deploy lock free, folders writable, pre-deploy checks passed{(usesRegistry ? ", registry login accepted" : "")}");
    }

    /// <summary>The registry answers and takes the run's login: through this machine's engine, which pushes, else the host's, which pulls.</summary>
    private string? RegistryProblem(bool pushes)
    {
        try
        {
            var access = registry?.Invoke() ?? throw new PipelineException(RegistryAccess.NoRegistry(target.Name, environmentsFile));
            access.EnsureAnswers();
            return access.LoginProblem(pushes ? images : engine, pushes, log);
        }
        catch (PipelineException exception)
        {
            return exception.Message;
        }
    }
}
