namespace QtsOps.Build.Deployment;

/// <summary>
/// The deploy target's work on one engine's way: compose (<see cref="Deployer"/>) or a swarm
/// (<see cref="Swarm.SwarmDeployer"/>). Wiring picks one by the environment's engine; the task calls it.
/// </summary>
public interface IReleaseDeployer
{
    /// <summary>Why the deploy has nothing to do, or null.</summary>
    string? AlreadyRunning();

    void Run();

    /// <summary>The canary the last <see cref="Run"/> left held on its host (--canary-hold), else null: a rollout reads it here, not from the host again.</summary>
    QtsOps.Core.Fleet.HeldCanary? HeldCanary => null;
}

/// <summary>The rollback target's work: compose (<see cref="RollbackOnDemand"/>) or a swarm (<see cref="Swarm.SwarmRollback"/>), picked by Wiring.</summary>
public interface IRollbackOnDemand
{
    void Run();

    /// <summary>What <see cref="Run"/> would put back; changes nothing.</summary>
    void Preview();
}
