using System.Runtime.InteropServices;

namespace QtsOps.Tools.Terraform;

/// <summary>
/// Files that hold secrets (state, saved plans, variable files) are created readable by their owner
/// only: with this mode at creation, or under <see cref="Umask"/> for what a child process creates.
/// </summary>
public static class OwnerOnly
{
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode Directory = File | UnixFileMode.UserExecute;

    /// <summary>
    /// Sets the process umask to 077 until disposed: a process started meanwhile (terraform, which
    /// writes state, its backup and plans with mode 0666 less the umask) inherits it. No-op on Windows.
    /// </summary>
    public static IDisposable Umask() => OperatingSystem.IsWindows() ? new Restore(null) : new Restore(SetUmask(0b000_111_111));

    private sealed class Restore(uint? previous) : IDisposable
    {
        public void Dispose()
        {
            if (previous is { } mask) SetUmask(mask);
        }
    }

    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint SetUmask(uint mask);
}
