using System.Diagnostics;

namespace QtsOps.Tests.Pipeline;

/// <summary>
/// build.sh and build.ps1 (PowerShell as a .NET tool), run for real in one scratch copy of the
/// repository: build.ps1 builds the pipeline program once, every test reuses it. No run reaches a
/// shared Docker engine: DOCKER_HOST points at a socket nothing listens on, unless a test starts
/// an engine of its own.
/// </summary>
[TestFixture, NonParallelizable]
public class EntryScriptTests
{
    private const string Building = "building the pipeline";
    private ScratchRepository _repository = null!;
    private string _pwsh = null!;
    private ScriptRun _firstRun = null!;

    private string NoEngine => "unix://" + _repository.Combine(".qtsops/no-engine.sock");

    [OneTimeSetUp]
    public void BuildThePipelineOnceWithBuildPs1()
    {
        _pwsh = PowerShellTool.Path();
        _repository = new ScratchRepository("build.sh", "build.ps1", "build", "src", "global.json", "Directory.Build.props", "environments.json", ".ci");
        _repository.Commit(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        _firstRun = Run("build.ps1", "--tree");
    }

    [OneTimeTearDown]
    public void RemoveTheRepository() => _repository.Dispose();

    [Test]
    public void Switching_between_the_scripts_never_rebuilds_and_shows_the_same()
    {
        var shell = Run("build.sh", "--tree");
        var powerShell = Run("build.ps1", "--tree");

        Assert.That(_firstRun.Output, Does.Contain(Building), "build.ps1 built the pipeline in the fresh copy");
        Assert.That(_firstRun.ExitCode, Is.Zero, _firstRun.Output);
        Assert.That(shell.Output, Does.Not.Contain(Building), "build.sh hashes the inputs as build.ps1 does");
        Assert.That(powerShell.Output, Does.Not.Contain(Building));
        Assert.That(powerShell, Is.EqualTo(shell));
    }

    [TestCase("build.sh")]
    [TestCase("build.ps1")]
    public void A_target_that_passes_exits_0(string script)
    {
        var run = Run(script, "--target=validate");

        Assert.That(run.ExitCode, Is.Zero, run.Output);
        Assert.That(run.Output, Does.Contain("validate"));
    }

    [TestCase("build.sh", "--target=no-such-target", "Unknown target 'no-such-target'")]
    [TestCase("build.ps1", "--target=no-such-target", "Unknown target 'no-such-target'")]
    [TestCase("build.sh", "--env=mars", "declares no environment 'mars'; it declares local, staging, prod.")]
    [TestCase("build.ps1", "--env=mars", "declares no environment 'mars'; it declares local, staging, prod.")]
    [TestCase("build.sh", "--target=no such=target", "Unknown target 'no such=target'")]
    [TestCase("build.ps1", "--target=no such=target", "Unknown target 'no such=target'")]
    public void A_failing_run_exits_1_with_its_argument_intact(string script, string argument, string error)
    {
        var run = Run(script, argument);

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Output);
        Assert.That(run.Output, Does.Contain(error));
    }

    [Test]
    public void Build_ps1_waits_for_the_build_lock_build_sh_takes_then_reuses_that_build()
    {
        var stamp = _repository.Combine(".qtsops/host/inputs.sha256");
        var hash = File.ReadAllText(stamp);
        File.Delete(stamp); // as during a build by build.sh, which holds the lock until it writes the stamp
        using var holder = Start("flock", [_repository.Combine(".qtsops/host/build.lock"), "sh", "-c", "echo held; read _"]);
        Assert.That(holder.StandardOutput.ReadLine(), Is.EqualTo("held"));

        using var waiting = Start(_pwsh, ["-NoProfile", "-NonInteractive", "-File", _repository.Combine("build.ps1"), "--tree"]);
        Assert.That(waiting.WaitForExit(TimeSpan.FromSeconds(3)), Is.False, "build.ps1 must wait for the lock");
        File.WriteAllText(stamp, hash);
        holder.StandardInput.Close();
        var run = Finish(waiting);

        Assert.That(run.ExitCode, Is.Zero, run.Output);
        Assert.That(run.Output, Does.Not.Contain(Building), "after the lock, the build it waited for is there");
    }

    // The pipeline runs build/setup.sh before the first task that needs this machine's engine.
    [TestCase("build.sh")]
    [TestCase("build.ps1")]
    public void Setup_stops_a_run_whose_docker_host_does_not_answer(string script)
    {
        var run = Run(script, "--target=verify");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Output);
        Assert.That(run.Output, Does.Contain($"setup: error: no Docker engine answers at {NoEngine}").And.Contain("--no-setup"));
        Assert.That(run.Output, Does.Not.Contain($"The Docker engine at {NoEngine} is not reachable"), "verify did not start");
    }

    [Test]
    public void An_ssh_environment_s_run_sets_up_this_machine_s_engine_where_it_builds_the_image()
    {
        var image = Run("build.sh", "--env=staging", "--target=image", "--exclusive");
        var status = Run("build.sh", "--env=staging", "--target=status", "--exclusive", "--docker-host=ssh://nobody@127.0.0.1:1");

        Assert.That(image.ExitCode, Is.EqualTo(1), image.Output);
        Assert.That(image.Output, Does.Contain($"setup: error: no Docker engine answers at {NoEngine}"), "the image is built on this machine's engine (DOCKER_HOST)");
        Assert.That(status.Output, Does.Not.Contain("setup:"), "status asks the ssh:// engine only");
    }

    [TestCase("--no-setup", null)]
    [TestCase(null, "1")]
    public void Without_setup_the_pipeline_reports_the_unreachable_engine(string? argument, string? noSetupVariable)
    {
        var run = Run("build.sh", ["--target=verify", .. argument is null ? Array.Empty<string>() : [argument]],
            environment => environment["QTSOPS_NO_SETUP"] = noSetupVariable);

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Output);
        Assert.That(run.Output, Does.Not.Contain("setup:"));
        Assert.That(run.Output, Does.Contain($"The Docker engine at {NoEngine} is not reachable"));
    }

    private ScriptRun Run(string script, params string[] args) => Run(script, args, null);

    /// <summary>
    /// Runs a script of the repository (build.ps1 through PowerShell) or a program (found on this
    /// process's PATH), in the repository; <paramref name="environment"/> sets (null: removes) variables.
    /// </summary>
    private ScriptRun Run(string script, string[] args, Action<Dictionary<string, string?>>? environment)
    {
        string[] command = script switch
        {
            "build.ps1" => [_pwsh, "-NoProfile", "-NonInteractive", "-File", _repository.Combine(script), .. args],
            _ when File.Exists(_repository.Combine(script)) => [_repository.Combine(script), .. args],
            _ => [script, .. args],
        };
        var variables = new Dictionary<string, string?>();
        environment?.Invoke(variables);
        return Finish(Start(command[0], command[1..], variables));
    }

    private Process Start(string program, string[] args, Dictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program, args)
        {
            WorkingDirectory = _repository.Path,
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var name in new[] { "QTSOPS_ENV", "QTSOPS_NO_SETUP", "QTSOPS_DOCKER_HOST", "GITHUB_ACTIONS" }) start.Environment.Remove(name);
        start.Environment["DOCKER_HOST"] = NoEngine;
        foreach (var (name, value) in environment ?? [])
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        return Process.Start(start)!;
    }

    private static ScriptRun Finish(Process process)
    {
        // Both streams at once: a full pipe would stall the process.
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5))) { process.Kill(entireProcessTree: true); Assert.Fail($"{process.StartInfo.FileName} did not finish: {output}"); }
        return new ScriptRun(process.ExitCode, output + error.Result);
    }

    private sealed record ScriptRun(int ExitCode, string Output);
}

/// <summary>PowerShell as a .NET global tool under .qtsops/tools/pwsh, installed from NuGet once and reused.</summary>
public static class PowerShellTool
{
    private const string Version = "7.6.9";

    public static string Path()
    {
        var directory = SourceRepository.Combine(".qtsops", "tools", "pwsh");
        var pwsh = System.IO.Path.Combine(directory, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
        if (File.Exists(pwsh)) return pwsh;
        using var install = Process.Start(new ProcessStartInfo("dotnet", ["tool", "install", "PowerShell", "--version", Version, "--tool-path", directory])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var error = install.StandardError.ReadToEndAsync();
        var output = install.StandardOutput.ReadToEnd();
        install.WaitForExit();
        if (install.ExitCode != 0) Assert.Fail($"dotnet tool install PowerShell {Version} failed: {output}{error.Result}");
        return pwsh;
    }
}
