using QtsOps.Tests.Support;

namespace QtsOps.Tests.Docker;

/// <summary>
/// While it lives, every docker command this process (and the pipeline run in it) starts goes through a `docker` first on
/// PATH that writes its arguments to a log, then runs the real docker: what the pipeline asks the engine, counted outside it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class DockerCallLog : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("qtsops-docker-calls-").FullName;
    private readonly EnvironmentVariableScope _path = new();

    public DockerCallLog()
    {
        var docker = Command.Run("sh", "-c", "command -v docker").EnsureSuccess("command -v docker").Output.Single();
        var wrapper = Path.Combine(_directory, "docker");
        File.WriteAllText(wrapper, $"#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{LogFile}'\nexec '{docker}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _path.Set("PATH", $"{_directory}{Path.PathSeparator}{Environment.GetEnvironmentVariable("PATH")}");
    }

    private string LogFile => Path.Combine(_directory, "calls");

    /// <summary>The docker commands run so far whose subcommand is <paramref name="subcommand"/> (the pipeline names the engine in DOCKER_HOST, not in options before it).</summary>
    public int Count(string subcommand) => File.Exists(LogFile) ? File.ReadLines(LogFile).Count(line => line.Split(' ')[0] == subcommand) : 0;

    public void Dispose()
    {
        _path.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
