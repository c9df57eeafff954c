using System.Diagnostics;

namespace QtsOps.Tests.Pipeline;

/// <summary>build.sh is a bash script: started with a POSIX sh it says so, before any bash-only line.</summary>
public class BuildShInterpreterTests
{
    // Issue 29, point 13.
    [Test]
    public void Sh_build_sh_says_to_use_bash_and_changes_nothing()
    {
        using var repository = new ScratchRepository("build.sh");
        var start = new ProcessStartInfo("sh", ["build.sh", "--help"]) { WorkingDirectory = repository.Path, RedirectStandardError = true, RedirectStandardOutput = true };

        using var sh = Process.Start(start)!;
        var error = sh.StandardError.ReadToEnd();
        var output = sh.StandardOutput.ReadToEnd();
        sh.WaitForExit();

        Assert.That(sh.ExitCode, Is.EqualTo(1), output);
        Assert.That(error, Is.EqualTo("build.sh: error: run it with bash, not sh: ./build.sh or bash build.sh\n"));
        Assert.That(Directory.Exists(repository.Combine(".qtsops")), Is.False, "nothing was set up or built");
    }
}
