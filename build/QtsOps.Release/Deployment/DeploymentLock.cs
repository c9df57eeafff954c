using System.Text.Json;

namespace QtsOps.Release.Deployment;

/// <summary>Who holds an environment's deploy lock.</summary>
public sealed record LockOwner(int Pid, string Host, string User, DateTimeOffset Since, string Target)
{
    public override string ToString() => $"pid {Pid} on {Host} (user {User}, {Target}, since {Since:yyyy-MM-dd HH:mm:ss}Z)";
}

/// <summary>The lock is held by a live process; the message names it.</summary>
public sealed class DeploymentLockedException(string environment, string lockFile, LockOwner owner) : Exception(
    $"Another deploy to '{environment}' is running: {owner}. Wait for it to finish; if that process is gone, delete {lockFile}.")
{
    public LockOwner Owner { get; } = owner;
}

/// <summary>
/// One deploy per environment at a time: a lock file created exclusively, holding its owner. A lock
/// whose owner process is dead (same host) is stale and taken over with a warning.
/// </summary>
public sealed class DeploymentLock : IDisposable
{
    private readonly string _path;
    private bool _released;

    private DeploymentLock(string path, LockOwner owner)
    {
        _path = path;
        Owner = owner;
    }

    public LockOwner Owner { get; }

    /// <param name="isAlive">Whether a process id on this host is alive (a process check, supplied by the caller).</param>
    /// <param name="warn">Told when a stale lock is taken over.</param>
    public static DeploymentLock Acquire(string lockFile, string environment, LockOwner owner, Func<int, bool> isAlive, Action<string> warn)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using var stream = new FileStream(lockFile, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                JsonSerializer.Serialize(stream, owner);
                return new DeploymentLock(lockFile, owner);
            }
            catch (IOException) when (File.Exists(lockFile))
            {
                var holder = ReadOwner(lockFile);
                if (holder is null)
                {
                    // Being written this instant, or left empty by a crash: give a writer a moment first.
                    Thread.Sleep(200);
                    if (ReadOwner(lockFile) is null && TryDelete(lockFile)) warn($"Removed an unreadable deploy lock {lockFile}.");
                    continue;
                }
                if (holder.Host == owner.Host && !isAlive(holder.Pid))
                {
                    warn($"Taking over a stale deploy lock for '{environment}': its holder {holder} is no longer running.");
                    TryDelete(lockFile);
                    continue;
                }
                throw new DeploymentLockedException(environment, lockFile, holder);
            }
        }
        throw new IOException($"Could not take the deploy lock {lockFile}: it changed hands repeatedly; try again.");
    }

    public static LockOwner? ReadOwner(string lockFile)
    {
        try
        {
            return JsonSerializer.Deserialize<LockOwner>(File.ReadAllText(lockFile));
        }
        catch (Exception exception) when (exception is IOException or JsonException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (_released) return;
        _released = true;
        // Only remove the file if it is still ours (a stale-lock takeover may have replaced it).
        if (ReadOwner(_path) == Owner) TryDelete(_path);
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
