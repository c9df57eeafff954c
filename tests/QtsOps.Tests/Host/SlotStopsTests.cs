using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;

namespace QtsOps.Tests.Host;

/// <summary>The stop of the slot that served, deferred past what follows a switch (its verify): when it runs, and what a failed one says.</summary>
public class SlotStopsTests
{
    private sealed class Lines : ICakeLog
    {
        public List<(LogLevel Level, string Text)> Written { get; } = [];
        public Verbosity Verbosity { get; set; } = Verbosity.Normal;
        public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args)
        {
            // Hosts' stops log from threads of their own.
            lock (Written) Written.Add((level, args.Length == 0 ? format : string.Format(format, args)));
        }
    }

    [Test]
    public void A_stop_runs_only_when_the_run_asks_for_it_on_that_thread_not_beside_what_follows_the_switch()
    {
        var stops = new SlotStops();
        var log = new Lines();
        int? stoppedOn = null;
        using var stopped = new ManualResetEventSlim();
        stops.Defer("qts-observer-a", () =>
        {
            stoppedOn = Environment.CurrentManagedThreadId;
            stopped.Set();
            return "Stopped qts-observer-a";
        });

        // What follows the switch (verify asking /health through the edge) runs here: the slot that served is not being stopped.
        Assert.That(stopped.IsSet, Is.False, "stopped beside verify");

        stops.RunAll(log);

        Assert.That(stoppedOn, Is.EqualTo(Environment.CurrentManagedThreadId), "the stop ran when the run asked for it, not on a thread of its own beside the run");
        Assert.That(log.Written, Is.EqualTo(new[] { (LogLevel.Information, "Stopped qts-observer-a") }));
    }

    [Test]
    public void A_stop_that_fails_is_a_warning_naming_the_container_and_the_fix_and_is_not_thrown()
    {
        var stops = new SlotStops();
        var log = new Lines();
        stops.Defer("qts-observer-b", () => throw new InvalidOperationException("the engine went away."));

        Assert.DoesNotThrow(() => stops.RunAll(log));
        Assert.That(log.Written, Is.EqualTo(new[]
        {
            (LogLevel.Warning, "qts-observer-b no longer serves but could not be stopped: the engine went away. Fix: docker stop qts-observer-b"),
        }));
    }

    [Test]
    public void Each_stop_is_waited_for_and_logged_once()
    {
        var stops = new SlotStops();
        var log = new Lines();
        stops.Defer("qts-observer-a", () => "Stopped qts-observer-a");
        stops.Defer("qts-observer-b", () => "Stopped qts-observer-b");

        stops.RunAll(log);
        stops.RunAll(log);

        Assert.That(log.Written.Select(line => line.Text), Is.EqualTo(new[] { "Stopped qts-observer-a", "Stopped qts-observer-b" }));
    }

    [Test]
    public void A_host_s_next_start_runs_its_own_stops_and_never_another_host_s_which_may_be_verifying()
    {
        var (byHost, east, west) = (new SlotStopsByHost(), new object(), new object());
        var log = new Lines();
        byHost.For(east).Defer("qts-observer-a", () => "Stopped qts-observer-a on east");
        byHost.For(west).Defer("qts-observer-b", () => "Stopped qts-observer-b on west");

        byHost.For(east).RunAll(log);

        Assert.That(log.Written.Select(line => line.Text), Is.EqualTo(new[] { "Stopped qts-observer-a on east" }));
        byHost.RunAll(log);
        Assert.That(log.Written.Select(line => line.Text), Is.EqualTo(new[] { "Stopped qts-observer-a on east", "Stopped qts-observer-b on west" }));
    }

    [Test]
    public void The_run_s_end_stops_every_host_s_slots_at_once()
    {
        var byHost = new SlotStopsByHost();
        var log = new Lines();
        using var bothStopping = new Barrier(2);
        var metTheOther = new bool[2];
        foreach (var index in new[] { 0, 1 })
            byHost.For(new object()).Defer($"qts-observer-{index}", () =>
            {
                // Each stop waits for the other to have begun: one after the other, the first would wait in vain.
                metTheOther[index] = bothStopping.SignalAndWait(TimeSpan.FromSeconds(10));
                return $"Stopped qts-observer-{index}";
            });

        byHost.RunAll(log);

        Assert.That(metTheOther, Is.All.True);
        Assert.That(log.Written.Select(line => line.Text), Is.EquivalentTo(new[] { "Stopped qts-observer-0", "Stopped qts-observer-1" }));
    }
}
