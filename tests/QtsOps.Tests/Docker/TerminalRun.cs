using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace QtsOps.Tests.Docker;

/// <summary>
/// A command run at a terminal, as a user runs <c>./build.sh</c>: in a pseudo-terminal (python3's pty module) of which it
/// is the session leader and foreground process group, with SIGINT's default action. <see cref="TypeCtrlC"/> writes
/// Ctrl-C (byte 0x03) to the terminal, which turns it into SIGINT for the whole foreground process group, as a key does.
/// What the terminal shows is gathered, without its colours.
/// </summary>
internal sealed partial class TerminalRun : IDisposable
{
    /// <summary>
    /// Relays the terminal to standard output; each line on standard input types Ctrl-C. Ends with the command's exit code
    /// (128 + the signal that ended it), once it ended and the terminal is quiet (a process it left may hold the terminal open).
    /// </summary>
    private const string Driver = """
        import os, pty, select, signal, sys
        pid, terminal = pty.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.execvp(sys.argv[1], sys.argv[1:])
        status, typing = None, True
        while True:
            if status is None:
                ended, raw = os.waitpid(pid, os.WNOHANG)
                if ended:
                    status = raw
            ready = select.select([terminal] + ([0] if typing else []), [], [], 0.2 if status is None else 1.0)[0]
            if not ready and status is not None:
                break
            if terminal in ready:
                try:
                    shown = os.read(terminal, 65536)
                except OSError:
                    shown = b""
                if not shown:
                    if status is None:
                        status = os.waitpid(pid, 0)[1]
                    break
                sys.stdout.buffer.write(shown)
                sys.stdout.buffer.flush()
            if 0 in ready:
                if os.read(0, 64):
                    os.write(terminal, b"\x03")
                else:
                    typing = False
        code = os.waitstatus_to_exitcode(status)
        sys.exit(code if code >= 0 else 128 - code)
        """;

    private readonly Process _python;
    private readonly StringBuilder _shown = new();

    public TerminalRun(string workingDirectory, params string[] command)
    {
        var start = new ProcessStartInfo("python3", ["-c", Driver, .. command])
        {
            WorkingDirectory = workingDirectory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        _python = new Process { StartInfo = start };
        void Collect(string? line)
        {
            if (line is null) return;
            lock (_shown) _shown.AppendLine(line);
        }
        _python.OutputDataReceived += (_, e) => Collect(e.Data);
        _python.ErrorDataReceived += (_, e) => Collect(e.Data);
        _python.Start();
        _python.BeginOutputReadLine();
        _python.BeginErrorReadLine();
    }

    /// <summary>What the terminal showed so far, its colours and carriage returns left out.</summary>
    public string Shown
    {
        get
        {
            lock (_shown) return Colours().Replace(_shown.ToString(), "").Replace("\r", "", StringComparison.Ordinal);
        }
    }

    public bool HasExited => _python.HasExited;

    public void TypeCtrlC()
    {
        _python.StandardInput.WriteLine("C");
        _python.StandardInput.Flush();
    }

    /// <summary>Waits for the command's end, and then for what it showed to its end.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_python.WaitForExit(timeout)) return false;
        _python.WaitForExit();
        return true;
    }

    /// <summary>The command's exit code, 128 + the signal that ended it.</summary>
    public int ExitCode => _python.ExitCode;

    public void Dispose()
    {
        if (!_python.HasExited) _python.Kill(entireProcessTree: true);
        _python.Dispose();
    }

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex Colours();
}
