using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class EdgeReloadTests
{
    [Test]
    public void The_command_is_sh_with_the_script_then_the_seconds_to_wait_then_nginx_s_reload()
    {
        var command = EdgeReload.Command(TimeSpan.FromSeconds(29.5));

        Assert.That(command.Take(2), Is.EqualTo(new[] { "sh", "-c" }));
        Assert.That(command[2], Does.Contain("worker process").And.Not.Contain("\r"), "one command a line");
        Assert.That(command.Skip(3), Is.EqualTo(new[] { "sh", "30" }.Concat(SlotLayout.ReloadCommand)), "$0, the wait rounded up to whole seconds, then the reload");
    }

    [Test]
    public void Run_by_sh_a_reload_nginx_refuses_prints_nothing_and_one_it_takes_prints_the_reloaded_line_first()
    {
        // true and false stand in for nginx's reload, with no wait. Only the reloaded line is asserted where the reload is
        // taken: the script looks for workers in this machine's /proc, where an edge a test runs beside this one has its own.
        var refused = RunWithReload("false");
        Assert.That((refused.ExitCode, refused.Output), Is.EqualTo((1, Array.Empty<string>())), "the reload's own exit code, and no line");
        Assert.That(EdgeReload.Outcome(refused.ExitCode, refused.Output), Is.EqualTo(EdgeReloadOutcome.Refused));

        var taken = RunWithReload("true");
        Assert.That(taken.Output.FirstOrDefault(), Is.EqualTo(EdgeReload.ReloadedLine), taken.Error);
        Assert.That(EdgeReload.Outcome(taken.ExitCode, taken.Output), Is.Not.EqualTo(EdgeReloadOutcome.Refused));
    }

    private static QtsOps.Tests.Docker.Command.Result RunWithReload(string reload)
    {
        var command = EdgeReload.Command(TimeSpan.Zero);
        return QtsOps.Tests.Docker.Command.Run(command[0], [.. command.Skip(1).SkipLast(SlotLayout.ReloadCommand.Count), reload]);
    }

    [Test]
    public void Exit_zero_is_drained()
    {
        Assert.That(EdgeReload.Outcome(0, ["reloaded"]), Is.EqualTo(EdgeReloadOutcome.Drained));
    }

    [Test]
    public void A_failure_after_the_reload_line_is_workers_left_and_one_before_it_is_nginx_refusing()
    {
        Assert.That(EdgeReload.Outcome(1, ["reloaded", "left: 29 30"]), Is.EqualTo(EdgeReloadOutcome.NotDrained));
        Assert.That(EdgeReload.Outcome(1, []), Is.EqualTo(EdgeReloadOutcome.Refused));
        Assert.That(EdgeReload.Outcome(127, ["nginx: [emerg] unknown directive"]), Is.EqualTo(EdgeReloadOutcome.Refused));
    }
}
