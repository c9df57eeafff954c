using System.Diagnostics;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace QtsOps.Tests.Support;

/// <summary>
/// The QTS Observer run as a real python3 process on a free loopback port, with its data, log
/// and config directories under <paramref name="root"/>, the way the container runs it.
/// </summary>
public sealed partial class ObserverProcess(string root) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    public string DataDirectory { get; set; } = Path.Combine(root, "data");
    public string LogDirectory => Path.Combine(root, "logs");
    public string ConfigDirectory => Path.Combine(root, "config");

    /// <summary>Environment on top of the defaults; a null value removes the variable.</summary>
    public Dictionary<string, string?> Environment { get; } = [];

    public int Port { get; private set; }

    public int ProcessId => _process!.Id;

    /// <summary>Everything the process printed so far (stdout and stderr).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts the service and waits for its "listening on HOST:PORT" line.</summary>
    public ObserverProcess Start()
    {
        _process = Launch();
        var exited = _process.WaitForExitAsync();
        if (Task.WaitAny([_listening.Task, exited], StartTimeout) != 0)
            throw new AssertionException($"The observer did not report 'listening on' (exited: {_process.HasExited}). Output:\n{Output}");
        Port = _listening.Task.Result;
        return this;
    }

    /// <summary>Runs the service until it exits on its own (start-up refusals) and returns its exit code.</summary>
    public int RunToExit()
    {
        _process = Launch();
        if (!_process.WaitForExit(StartTimeout))
            throw new AssertionException($"The observer did not exit. Output:\n{Output}");
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    public (int Status, JsonElement Body) GetHealth(string path = "/health")
    {
        using var response = Http.GetAsync($"http://127.0.0.1:{Port}{path}").GetAwaiter().GetResult();
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        return ((int)response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }

    /// <summary>Polls /health until the service reports at least <paramref name="count"/> records.</summary>
    public (int Status, JsonElement Body) WaitForRecords(int count)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            var health = GetHealth();
            if (health.Body.GetProperty("records_written").GetInt32() >= count) return health;
            if (DateTime.UtcNow > deadline) throw new AssertionException($"Fewer than {count} records in time; last health: {health.Body}");
            Thread.Sleep(100);
        }
    }

    /// <summary>Sends SIGTERM, as docker stop does, and returns the exit code.</summary>
    public int Terminate()
    {
        if (Kill(_process!.Id, SigTerm) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        if (!_process.WaitForExit(StartTimeout)) throw new AssertionException($"The observer ignored SIGTERM. Output:\n{Output}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Every record line of every data file, in file order.</summary>
    public IReadOnlyList<JsonElement> Records() =>
        Directory.GetFiles(DataDirectory, "observations-*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadAllLines)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();

    public void Dispose()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.Dispose();
    }

    private Process Launch()
    {
        var start = new ProcessStartInfo("python3", ["-m", "qts_observer"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Inherited OBSERVER_*/QTS_* variables would change what is tested.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("OBSERVER_") || k.StartsWith("QTS_")).ToList())
            start.Environment.Remove(name);
        var defaults = new Dictionary<string, string?>
        {
            ["PYTHONPATH"] = SourceRepository.Combine("src", "observer", "src"),
            ["PYTHONDONTWRITEBYTECODE"] = "1",
            ["QTS_OBSERVER_STANDALONE"] = "1",
            ["QTS_OBSERVER_VERSION"] = "1.2.3-test",
            ["OBSERVER_DATA_DIR"] = DataDirectory,
            ["OBSERVER_LOG_DIR"] = LogDirectory,
            ["OBSERVER_CONFIG_DIR"] = ConfigDirectory,
            ["OBSERVER_BIND"] = "127.0.0.1",
            ["OBSERVER_PORT"] = "0",
            ["OBSERVER_INTERVAL_SECONDS"] = "0.2",
        };
        foreach (var (name, value) in defaults.Concat(Environment))
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (ListeningLine().Match(line) is { Success: true } match) _listening.TrySetResult(int.Parse(match.Groups[1].Value));
    }

    [GeneratedRegex(@"listening on \S+:(\d+)$")]
    private static partial Regex ListeningLine();

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
