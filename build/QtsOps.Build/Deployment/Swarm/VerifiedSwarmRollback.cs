namespace QtsOps.Build.Deployment.Swarm;

/// <summary>The rollback target on a swarm: the release put back from its kept stack file (<see cref="SwarmRollback"/>), then verified as the current one (<see cref="SwarmVerifyStep"/>).</summary>
public sealed class VerifiedSwarmRollback(SwarmRollback rollback, SwarmVerifyStep verify) : IRollbackOnDemand
{
    public void Run()
    {
        rollback.Run();
        verify.Run(mayRollBack: false);
    }

    public void Preview() => rollback.Preview();
}
