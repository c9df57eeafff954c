using System.Diagnostics;
using System.Reflection;
using QtsOps.Build.Deployment;
using QtsOps.Build.Deployment.Swarm;

namespace QtsOps.Tests.Tools;

/// <summary>
/// The real shellcheck on every host script (<see cref="HostScripts"/> and the state read), each linted as the
/// POSIX sh it runs as, on this machine and on an ssh host alike; a finding fails naming the script and line.
/// </summary>
public class HostScriptsLintTests
{
    /// <summary>The scripts as the hosts run them, by name: the public strings of <see cref="HostScripts"/>, <see cref="HostStateScript.Text"/> and a swarm node's backup job.</summary>
    private static IEnumerable<TestCaseData> Scripts() =>
        typeof(HostScripts).GetFields(BindingFlags.Public | BindingFlags.Static).Where(field => field.FieldType == typeof(string))
            .Select(field => new TestCaseData(field.Name, (string)field.GetValue(null)!).SetArgDisplayNames(field.Name))
            .Append(new TestCaseData(nameof(HostStateScript), HostStateScript.Text).SetArgDisplayNames(nameof(HostStateScript)))
            .Append(new TestCaseData(nameof(SwarmNodeBackups), SwarmNodeBackups.Script).SetArgDisplayNames(nameof(SwarmNodeBackups)));

    [TestCaseSource(nameof(Scripts))]
    public void A_host_script_passes_shellcheck(string name, string script)
    {
        using var dir = new TempDirectory();
        var file = dir.Write($"{name}.sh", "#!/bin/sh\n" + script + "\n");
        var start = new ProcessStartInfo("shellcheck", ["--shell=sh", "--format=gcc", file]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var shellcheck = Process.Start(start) ?? throw new AssertionException("shellcheck did not start: `apt-get install shellcheck` (.ci/services.sh start installs it).");
        var findings = shellcheck.StandardOutput.ReadToEnd();
        shellcheck.WaitForExit();

        Assert.That(findings.Replace(file, $"HostScripts.{name} (line 1 is the #!)"), Is.Empty);
        Assert.That(shellcheck.ExitCode, Is.Zero, shellcheck.StandardError.ReadToEnd());
    }
}
