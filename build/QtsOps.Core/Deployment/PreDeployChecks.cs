namespace QtsOps.Core.Deployment;

/// <summary>What the pre-deploy checks saw: disk, engine memory, and who holds the port.</summary>
/// <param name="PortHolders">Containers publishing the port (empty when none).</param>
/// <param name="PortAnswers">Whether something accepts connections on bind:port.</param>
/// <param name="OwnContainers">The environment's own containers that may publish the port: its single container, its edge.</param>
public sealed record PreDeployEvidence(
    string DiskPath, long FreeDiskBytes, int MinFreeDiskMb,
    long EngineMemoryBytes, int MinMemoryMb,
    string Bind, int Port, IReadOnlyList<string> PortHolders, bool PortAnswers, IReadOnlyList<string> OwnContainers);

/// <summary>Judges the pre-deploy evidence: every problem, each with its fix; none means go.</summary>
public static class PreDeployChecks
{
    public static IReadOnlyList<string> Problems(PreDeployEvidence e)
    {
        var problems = new List<string>();
        var freeMb = e.FreeDiskBytes / 1024 / 1024;
        if (freeMb < e.MinFreeDiskMb)
            problems.Add($"only {freeMb} MB free on the disk of {e.DiskPath} (at least {e.MinFreeDiskMb} MB needed). Fix: free space (old backups, docker image prune).");
        var memoryMb = e.EngineMemoryBytes / 1024 / 1024;
        if (memoryMb < e.MinMemoryMb)
            problems.Add($"the Docker host has {memoryMb} MB of memory (at least {e.MinMemoryMb} MB needed). Fix: a larger host, or lower minMemoryMb in environments.json.");
        var others = e.PortHolders.Where(holder => !e.OwnContainers.Contains(holder)).ToList();
        if (others.Count > 0)
            problems.Add($"port {e.Bind}:{e.Port} is published by container {string.Join(", ", others)}. Fix: stop it, or choose another port (environments.json 'port' or --port).");
        else if (e.PortAnswers && !e.PortHolders.Any(e.OwnContainers.Contains))
            problems.Add($"port {e.Bind}:{e.Port} is in use by another program. Fix: stop it, or choose another port (environments.json 'port' or --port).");
        return problems;
    }
}
