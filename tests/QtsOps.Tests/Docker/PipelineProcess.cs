using System.Diagnostics;
using System.Text;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The pipeline as its own process (the one the tests are built with), so that a signal reaches it alone;
/// what it prints is gathered. SIGINT's default disposition is restored for it (coreutils' env): a suite
/// started in the background (`setsid nohup ... &`) hands SIGINT on as ignored, and .NET keeps it ignored.
/// </summary>
internal sealed class PipelineProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly ManualResetEventSlim _seen = new();

    /// <param name="awaited">A line <see cref="WaitForLine"/> waits for: the run has reached the step to interrupt.</param>
    public PipelineProcess(string workingDirectory, string awaited, params string[] args)
    {
        var program = Path.Combine(TestContext.CurrentContext.TestDirectory, OperatingSystem.IsWindows() ? "QtsOps.Build.exe" : "QtsOps.Build");
        var start = OperatingSystem.IsWindows() ? new ProcessStartInfo(program, args) : new ProcessStartInfo("env", ["--default-signal=INT", program, .. args]);
        start.WorkingDirectory = workingDirectory;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        _process = new Process { StartInfo = start };
        void Collect(string? line)
        {
            if (line is null) return;
            lock (_output) _output.AppendLine(line);
            if (line.Contains(awaited, StringComparison.Ordinal)) _seen.Set();
        }
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool WaitForLine(TimeSpan timeout) => _seen.Wait(timeout);

    /// <param name="signal">INT, TERM, ...</param>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString()])!;
        kill.WaitForExit();
    }

    /// <summary>Waits for the exit, and then for the output to its end.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit();
        return true;
    }

    public int ExitCode => _process.ExitCode;

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
        _seen.Dispose();
    }
}
