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
/// One deploy per environment at a time. The lock is the operating system's: the lock file is opened
/// exclusively (FileShare.None, which .NET takes as flock(LOCK_EX) on Linux and macOS and as a
/// sharing lock on Windows) and kept open while held, so it ends with its process however that
/// process ends: no process ids to check (they are reused), no stale lock to clear by hand. The
/// locked file cannot be read by others, so the holder writes its name to the owner file beside it;
/// an owner file found by the next holder means the last one ended without releasing.
/// </summary>
public sealed class DeploymentLock : IDisposable
{
    private readonly FileStream _handle;
    private readonly string _ownerFile;
    private bool _released;

    private DeploymentLock(FileStream handle, string ownerFile, LockOwner owner)
    {
        _handle = handle;
        _ownerFile = ownerFile;
        Owner = owner;
    }

    public LockOwner Owner { get; }

    public static string OwnerFileOf(string lockFile) => lockFile + ".owner";

    /// <summary>
    /// How long a taker waits for a lock it finds taken before it calls it busy: status, the dashboard and every
    /// state read take the lock for a moment to see whether it is free (<see cref="Inspect"/>), and a deploy that
    /// starts in that moment must not be told another deploy runs. A real holder holds it for minutes.
    /// </summary>
    public static readonly TimeSpan ReaderWait = TimeSpan.FromSeconds(3);

    /// <param name="warn">Told when the last holder ended without releasing the lock.</param>
    public static DeploymentLock Acquire(string lockFile, string environment, LockOwner owner, Action<string> warn)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        FileStream handle;
        while (true)
        {
            try
            {
                handle = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                break;
            }
            catch (IOException) when (File.Exists(lockFile))
            {
                if (waited.Elapsed >= ReaderWait) throw new DeploymentLockedException(environment, lockFile, ReadOwner(lockFile));
                Thread.Sleep(50);
            }
        }
        handle.SetLength(0); // the lock is the open file, not its content
        var ownerFile = OwnerFileOf(lockFile);
        if (ReadOwner(lockFile) is { } previous)
            warn(DeploymentLockedException.EndedWithoutReleasing(environment, previous));
        // Written whole, then renamed into place: a reader never sees half an owner.
        var next = ownerFile + ".next";
        File.WriteAllText(next, JsonSerializer.Serialize(owner));
        File.Move(next, ownerFile, overwrite: true);
        return new DeploymentLock(handle, ownerFile, owner);
    }

    /// <summary>
    /// Whether a live process holds the lock (tried without waiting, and let go at once: nothing is
    /// written), with the owner file's name; an owner file of a free lock is a holder that ended without releasing.
    /// </summary>
    public static LockState Inspect(string lockFile)
    {
        if (!File.Exists(lockFile)) return new LockState(false, null);
        try
        {
            using (new FileStream(lockFile, FileMode.Open, FileAccess.Read, FileShare.None)) { }
            return new LockState(false, ReadOwner(lockFile));
        }
        catch (IOException)
        {
            return new LockState(true, ReadOwner(lockFile));
        }
    }

    /// <summary>The holder named by the owner file beside <paramref name="lockFile"/>, or null when there is none (or it is unreadable).</summary>
    public static LockOwner? ReadOwner(string lockFile)
    {
        var ownerFile = OwnerFileOf(lockFile);
        try
        {
            return ParseOwner(File.ReadAllText(ownerFile), ownerFile);
        }
        catch (IOException) // no owner file names nobody
        {
            return null;
        }
    }

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

    /// <summary>Removes the owner file, then lets go of the lock (the lock file stays: deleting it would race with a new holder opening it).</summary>
    public void Dispose()
    {
        if (_released) return;
        _released = true;
        File.Delete(_ownerFile);
        _handle.Dispose();
    }
}
