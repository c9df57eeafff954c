using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;

namespace QtsOps.Tests.Build;

/// <summary>The stop of the slot that served, run beside what follows a switch: what waits for it, and what a failed one says.</summary>
public class SlotStopsTests
{
    private sealed class Lines : ICakeLog
    {
        public List<(LogLevel Level, string Text)> Written { get; } = [];
        public Verbosity Verbosity { get; set; } = Verbosity.Normal;
        public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args) =>
            Written.Add((level, args.Length == 0 ? format : string.Format(format, args)));
    }

    [Test]
    public void Waiting_returns_once_every_stop_begun_has_finished_and_logs_what_each_says()
    {
        var stops = new SlotStops();
        var log = new Lines();
        var finished = false;
        stops.Begin("qts-observer-a", () =>
        {
            Thread.Sleep(300);
            finished = true;
            return "Stopped qts-observer-a";
        });

        stops.WaitAll(log);

        Assert.That(finished, Is.True);
        Assert.That(log.Written, Is.EqualTo(new[] { (LogLevel.Information, "Stopped qts-observer-a") }));
    }

    [Test]
    public void A_stop_that_fails_is_a_warning_naming_the_container_and_the_fix_and_is_not_thrown()
    {
        var stops = new SlotStops();
        var log = new Lines();
        stops.Begin("qts-observer-b", () => throw new InvalidOperationException("the engine went away."));

        Assert.DoesNotThrow(() => stops.WaitAll(log));
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
        stops.Begin("qts-observer-a", () => "Stopped qts-observer-a");
        stops.Begin("qts-observer-b", () => "Stopped qts-observer-b");

        stops.WaitAll(log);
        stops.WaitAll(log);

        Assert.That(log.Written.Select(line => line.Text), Is.EqualTo(new[] { "Stopped qts-observer-a", "Stopped qts-observer-b" }));
    }
}
