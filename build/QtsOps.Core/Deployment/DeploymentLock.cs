using System.Text.Json;
using QtsOps.Core.Json;

namespace QtsOps.Core.Deployment;

/// <summary>Who holds an environment's deploy lock.</summary>
/// <param name="RunUrl">The CI run that holds it, when a CI run does.</param>
public sealed record LockOwner(int Pid, string Host, string User, DateTimeOffset Since, string Target, string? RunUrl = null)
{
    public override string ToString() => $"pid {Pid} on {Host} (user {User}, {Target}, since {Since:yyyy-MM-dd HH:mm:ss}Z{(RunUrl is null ? "" : $", {RunUrl}")})";
}

/// <summary>The lock is held by a live process; the message names it when its owner file says who.</summary>
public sealed class DeploymentLockedException(string environment, string lockFile, LockOwner? owner) : Exception(
    $"Another deploy to '{environment}' is running: {owner?.ToString() ?? "a process that has not written its name yet"}. " +
    $"Wait for it to finish; the lock on {lockFile} ends with that process.")
{
    public LockOwner? Owner { get; } = owner;

    /// <summary>What the next holder is told when the owner file of a free lock says who held it last.</summary>
    public static string EndedWithoutReleasing(string environment, LockOwner previous) =>
        $"The last deploy lock holder of '{environment}', {previous}, ended without releasing it (killed?); its deploy may be half-done: see the history. Taking the lock over.";
}

/// <summary>
/// One deploy per environment at a time. The lock is the operating system's: an flock on the lock file that
/// the host's script holds while it runs (<c>HostScripts.TakeLock</c>), so it ends with its process however that
/// process ends: no process ids to check (they are reused), no stale lock to clear by hand. The holder writes
/// its name to the owner file beside the lock file; an owner file found by the next holder means the last one
/// ended without releasing. What the core decides of it lives here.
/// </summary>
public static class DeploymentLock
{
    public static string OwnerFileOf(string lockFile) => lockFile + ".owner";

    /// <summary>
    /// How long a taker waits for a lock it finds taken before it calls it busy: status, the dashboard and every
    /// state read take the lock for a moment to see whether it is free, and a deploy that starts in that moment
    /// must not be told another deploy runs. A real holder holds it for minutes.
    /// </summary>
    public static readonly TimeSpan ReaderWait = TimeSpan.FromSeconds(3);

    /// <summary>The holder an owner file's text names, or null when it is half-written or damaged; <paramref name="ownerFile"/> is where it was read.</summary>
    public static LockOwner? ParseOwner(string text, string ownerFile)
    {
        try
        {
            return JsonSource.Read<LockOwner>(text, ownerFile, JsonSerializerOptions.Default);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
