using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Cake.Core;
using Cake.Core.IO;
using QtsOps.Build.Deployment;
using QtsOps.Tools;

namespace QtsOps.Tests.Tools;

/// <summary>
/// <see cref="ChildSessions"/>: the argv that runs a program in a session of its own, and real children started
/// through it, by a ProcessStartInfo and by Cake's process runner: the program itself, its own session's leader,
/// with its streams, exit code and tree kill as before; the signal that ends the run passed on to them.
/// </summary>
[NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")] // Detaching is process-wide; sessions are read from /proc
public class ChildSessionsTests
{
    [Test]
    public void A_program_is_wrapped_in_setsid_that_waits_for_it_where_there_is_one_and_left_as_it_is_where_not()
    {
        var (program, arguments) = ChildSessions.Wrap("/usr/bin/setsid", "/usr/bin/docker", ["compose", "up", "-d"]);
        var (alone, itsArguments) = ChildSessions.Wrap(null, "/usr/bin/docker", ["compose", "up", "-d"]);

        Assert.That(program, Is.EqualTo("/usr/bin/setsid"));
        Assert.That(arguments, Is.EqualTo(new[] { "--wait", "/usr/bin/docker", "compose", "up", "-d" }));
        Assert.That(alone, Is.EqualTo("/usr/bin/docker"));
        Assert.That(itsArguments, Is.EqualTo(new[] { "compose", "up", "-d" }));
    }

    [Test]
    public void A_child_in_a_session_of_its_own_is_the_program_itself_with_its_streams_and_exit_code()
    {
        Assert.That(ChildSessions.Setsid, Is.Not.Null, "util-linux setsid, as every Linux has");
        var start = Shell("read -r line; echo \"$line\"; echo said >&2; echo \"$(cut -d ' ' -f 6 /proc/$$/stat)\"; exit 3");

        using var child = ChildSessions.Start(start, ownSession: true);
        child.StandardInput.WriteLine("typed");
        child.StandardInput.Close();
        var error = child.StandardError.ReadToEndAsync();
        var output = child.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        child.WaitForExit();

        Assert.That(start.FileName, Is.EqualTo(ChildSessions.Setsid));
        Assert.That(output, Is.EqualTo(new[] { "typed", child.Id.ToString(CultureInfo.InvariantCulture) }),
            "sh leads its own session under the pid the caller holds: setsid made it in place and ran sh, no fork");
        Assert.That(error.Result.Trim(), Is.EqualTo("said"));
        Assert.That(child.ExitCode, Is.EqualTo(3));
    }

    [Test]
    public void A_program_not_on_PATH_fails_to_start_as_it_does_without_a_session()
    {
        var start = new ProcessStartInfo("qtsops-no-such-program") { UseShellExecute = false, RedirectStandardOutput = true };

        Assert.Throws<System.ComponentModel.Win32Exception>(() => ChildSessions.Start(start, ownSession: true));
    }

    [Test]
    public void Killing_a_child_in_a_session_of_its_own_ends_its_whole_tree()
    {
        using var child = ChildSessions.Start(Shell("sleep 300 & echo $!; wait"), ownSession: true);
        var grandchild = int.Parse(child.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);

        child.Kill(entireProcessTree: true);
        child.WaitForExit();

        Assert.That(Ended(grandchild), Is.True, "the child's own child ended with it, as a timeout's kill needs");
    }

    [Test]
    public void Cakes_runner_starts_a_child_in_a_session_of_its_own_only_while_detaching_and_keeps_its_arguments()
    {
        var runner = ChildSessions.Around(Support.CakeContexts.Create(TextWriter.Null).ProcessRunner);
        var arguments = new ProcessArgumentBuilder();
        arguments.Append("-c");
        arguments.AppendQuoted("echo $$ $(cut -d ' ' -f 6 /proc/$$/stat) $0");
        arguments.AppendQuoted("two words");
        var settings = new ProcessSettings { Arguments = arguments, RedirectStandardOutput = true, Silent = true };
        string[] Run()
        {
            var process = runner.Start("/bin/sh", settings);
            process.WaitForExit();
            Assert.That(process.GetExitCode(), Is.Zero);
            return process.GetStandardOutput().Single().Split(' ', 3);
        }

        var inGroup = Run();
        string[] detached;
        ChildSessions.Detaching = true;
        try
        {
            detached = Run();
        }
        finally
        {
            ChildSessions.Detaching = false;
        }

        Assert.That(inGroup[1], Is.EqualTo(SessionOf(Environment.ProcessId).ToString(CultureInfo.InvariantCulture)), "not detaching: the caller's session");
        Assert.That(detached[1], Is.EqualTo(detached[0]), "detaching: sh leads its own session");
        Assert.That((inGroup[2], detached[2]), Is.EqualTo(("two words", "two words")), "the arguments reach the program as given");
        Assert.That(settings.Arguments, Is.SameAs(arguments), "the caller's settings are put back");
    }

    [Test]
    public void The_signal_that_ends_the_run_is_passed_on_to_the_children_in_sessions_of_their_own_alone()
    {
        using var detached = ChildSessions.Start(Shell("exec sleep 300"), ownSession: true);
        using var inGroup = Process.Start(Shell("exec sleep 300"))!;
        try
        {
            ChildSessions.PassOn(PosixSignal.SIGTERM);

            Assert.That(detached.WaitForExit(TimeSpan.FromMinutes(1)), Is.True, "the child in a session of its own got SIGTERM");
            Assert.That(detached.ExitCode, Is.EqualTo(128 + 15));
            Assert.That(inGroup.HasExited, Is.False, "a child in the caller's group is the terminal's to signal");
        }
        finally
        {
            inGroup.Kill();
            inGroup.WaitForExit();
        }
    }

    private static ProcessStartInfo Shell(string script)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return start;
    }

    private static int SessionOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3], CultureInfo.InvariantCulture);
    }

    /// <summary>Whether the process ended (or waits to be collected), within a minute: an orphan is collected by init, whenever that is.</summary>
    private static bool Ended(int pid)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (SshTransport.IsRunning(pid) && DateTime.UtcNow < deadline) Thread.Sleep(50);
        return !SshTransport.IsRunning(pid);
    }
}
