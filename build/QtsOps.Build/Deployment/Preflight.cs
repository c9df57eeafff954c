using Cake.Core.Diagnostics;
using System.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;

namespace QtsOps.Build.Deployment;

/// <summary>The preflight of one engine (<see cref="Preflight"/>) or of every host of an environment (<see cref="Fleet.FleetPreflight"/>), picked by Wiring.</summary>
public interface IPreflight
{
    /// <param name="pushes">Whether the run pushes the image: the registry must then take its login, or no login.</param>
    void Run(bool pushes);
}

/// <summary>
/// What a run that deploys checks before it changes anything (before image, push, terraform-plan and
/// apply): approval, a protected environment's commit on the release branch, the engine (over ssh: the key and the pinned host key), the deploy lock free, the
/// deploy folders writable, the container not another deployment's, the pre-deploy checks, and the
/// registry login where the run pushes or the host pulls. Every problem is listed at once. The deploy
/// checks again under its lock: an image build and an apply can take minutes in between.
/// </summary>
/// <param name="environmentsFile">Where the environment's folders are set, named in the fix.</param>
public sealed class Preflight(DeploySession session, ReleaseBranch releaseBranch, RegistryLoginCheck registry, ContainerChecks containers, string environmentsFile) : IPreflight
{
    private readonly PreDeployCheck _check = new(session);

    /// <param name="pushes">Whether the run pushes the image: the registry must then take its login, or no login.</param>
    public void Run(bool pushes)
    {
        var timer = Stopwatch.StartNew();
        var (engine, target) = (session.Engine, session.Target);
        session.Protection.Require(target.Name, ProtectedChange.Deploy);
        releaseBranch.Require(target.Name);
        var info = engine.EnsureReachable();
        var state = session.State;
        var problems = new List<string>();
        if (state.Host.Lock is { Held: true } held)
            problems.Add(new DeploymentLockedException(target.Name, session.Host.Where(session.Locks.LockFile), held.Owner).Message);
        problems.AddRange(UnwritableFolders(state.Host));
        if (new HeldCanaryFile(session).Refusal(state.Host, "deploy") is { } canary) problems.Add(canary);
        if (containers == ContainerChecks.All && _check.ForeignRefusal(state) is { } refusal) problems.Add(refusal);
        if (containers != ContainerChecks.None) problems.AddRange(_check.Problems(info, state));
        var usesRegistry = registry.IsUsed(pushes);
        if (usesRegistry && registry.Problem(target.Name, pushes) is { } login) problems.Add(login);
        if (problems.Count > 0)
            throw new PipelineException($"Preflight of '{target.Name}' on {engine.Describe()} failed; nothing was built, pushed or applied:" +
                $"{Environment.NewLine}  - {string.Join($"{Environment.NewLine}  - ", problems)}");
        session.Log.Information($"Preflight of '{target.Name}' passed in {timer.Elapsed.TotalSeconds:0.0} s: engine {info.ServerVersion} on {engine.Describe()}, " +
            $"deploy lock free, folders writable, {(containers != ContainerChecks.None ? "pre-deploy checks passed" : "containers and port left to the swarm")}{(usesRegistry ? ", registry login accepted" : "")}; it {session.Cost}");
    }

    /// <summary>Of the folders a deploy writes (deploy, state, backups), those this run's user cannot create or write in, as problems.</summary>
    private IEnumerable<string> UnwritableFolders(HostState host) =>
        session.WrittenFolders.Where(folder => host.UnwritableFolders?.Contains(folder) == true)
            .Select(folder => $"{session.Host.Where(folder)} cannot be created or written by this run's user. Fix: create it and give it to that user, or choose another folder in {environmentsFile}.");
}

/// <summary>What the preflight checks of the environment's named containers and the port on its engine.</summary>
public enum ContainerChecks
{
    /// <summary>A container of the environment's names that is another deployment's is refused; the pre-deploy checks run.</summary>
    All,

    /// <summary>--take-over: another deployment's container is no problem; the pre-deploy checks run.</summary>
    TakingOver,

    /// <summary>
    /// A swarm: the engine names and places its tasks, each node's edge holding the port (the engine refuses a task it
    /// cannot place, and the deploy says so).
    /// </summary>
    None,
}
