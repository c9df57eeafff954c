using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace QtsOps.Core.Deployment;

public enum FileKind { Regular, Directory, SymbolicLink, Fifo, Socket, CharacterDevice, BlockDevice }

/// <summary>What a path is, as the path itself (never what a link points at), and which file it is (null where unknown).</summary>
public readonly record struct FileIdentity(FileKind Kind, (ulong Inode, uint Major, uint Minor)? Id);

/// <summary>
/// The file type of a path without following links, and of an open handle. .NET tells files,
/// directories and links apart only, so on Linux this asks the kernel (statx, whose layout is the
/// same on every architecture); elsewhere it reads what .NET knows (Windows has no FIFOs or devices
/// in its file system).
/// </summary>
public static class FileKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxTypeAndInode = 0x1 | 0x100;

    public static FileIdentity Of(string path)
    {
        if (!OperatingSystem.IsLinux()) return FromDotNet(path);
        var buffer = new byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxTypeAndInode, buffer) != 0)
            throw new IOException($"Cannot read the file type of {path} (errno {Marshal.GetLastPInvokeError()}).");
        return FromStatx(buffer);
    }

    /// <summary>The file an open handle reads: compared with <see cref="Of(string)"/> it shows whether the path changed in between.</summary>
    public static FileIdentity Of(SafeFileHandle handle, string path)
    {
        if (!OperatingSystem.IsLinux()) return FromDotNet(path);
        var buffer = new byte[256];
        if (statx((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxTypeAndInode, buffer) != 0)
            throw new IOException($"Cannot read the file type of the open {path} (errno {Marshal.GetLastPInvokeError()}).");
        return FromStatx(buffer);
    }

    private static FileIdentity FromStatx(byte[] buffer)
    {
        var mode = BitConverter.ToUInt16(buffer, 28);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            0x2000 => FileKind.CharacterDevice,
            _ => FileKind.BlockDevice,
        };
        return new FileIdentity(kind, (BitConverter.ToUInt64(buffer, 32), BitConverter.ToUInt32(buffer, 136), BitConverter.ToUInt32(buffer, 140)));
    }

    private static FileIdentity FromDotNet(string path)
    {
        var info = new FileInfo(path);
        var kind = info.LinkTarget is not null ? FileKind.SymbolicLink
            : info.Attributes.HasFlag(FileAttributes.Directory) ? FileKind.Directory
            : FileKind.Regular;
        return new FileIdentity(kind, null);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int directory, string path, int flags, uint mask, byte[] buffer);
}
