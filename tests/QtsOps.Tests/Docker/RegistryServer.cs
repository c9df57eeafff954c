using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace QtsOps.Tests.Docker;

/// <summary>A real Docker registry (Debian's docker-registry) on 127.0.0.1 with htpasswd auth, in a temp folder.</summary>
public sealed class RegistryServer : IDisposable
{
    public const string Program = "/usr/bin/docker-registry";
    private readonly TempDirectory _directory = new();
    private readonly Process _process;

    public RegistryServer(string username, string password)
    {
        if (!File.Exists(Program)) Assert.Fail($"{Program} is missing: install the docker-registry package (./build.sh --target=test does, through build/setup.sh).");
        Port = FreePort();
        _directory.Write("htpasswd", $"{username}:{BCrypt.Net.BCrypt.HashPassword(password, workFactor: 6)}\n");
        var config = _directory.Write("config.yml", $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {_directory.Combine("storage")}
            http:
              addr: 127.0.0.1:{Port}
            auth:
              htpasswd:
                realm: qtsops-test
                path: {_directory.Combine("htpasswd")}
            """);
        _process = Process.Start(new ProcessStartInfo(Program, ["serve", config]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                // An authenticating registry answers 401 to an anonymous /v2/.
                if (http.GetAsync($"http://{Address}/v2/").Result.StatusCode == HttpStatusCode.Unauthorized) return;
            }
            catch (AggregateException) { }
            if (_process.HasExited) Assert.Fail($"docker-registry exited with {_process.ExitCode}.");
            Thread.Sleep(100);
        }
        Assert.Fail($"docker-registry did not answer on {Address}.");
    }

    public int Port { get; }
    public string Address => $"127.0.0.1:{Port}";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        _directory.Dispose();
    }
}
