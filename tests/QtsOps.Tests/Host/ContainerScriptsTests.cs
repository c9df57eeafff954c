using System.Globalization;
using QtsOps.Build.Deployment;
using QtsOps.Tests.Docker;

namespace QtsOps.Tests.Host;

/// <summary>The scripts run inside the service's container, run here by this machine's python3 (the image's is the same Python 3).</summary>
public class ContainerScriptsTests
{
    private const string PrintClock = "import time\nprint(repr(time.time()))";

    [Test]
    public void A_script_given_a_time_runs_no_earlier_than_then()
    {
        var notBefore = DateTimeOffset.UtcNow.AddSeconds(0.5);

        var run = Command.Run("python3", "-c", ContainerScripts.NotBefore(notBefore, PrintClock)).EnsureSuccess("the waiting script");

        var ranAt = double.Parse(run.Output.Single(), CultureInfo.InvariantCulture);
        // The script's wait is to the millisecond it was given.
        Assert.That(ranAt, Is.GreaterThanOrEqualTo(Math.Round(notBefore.ToUnixTimeMilliseconds() / 1000.0, 3)));
    }

    [Test]
    public void A_time_already_past_runs_the_script_at_once_and_none_leaves_it_as_it_is()
    {
        var past = Command.Run("python3", "-c", ContainerScripts.NotBefore(DateTimeOffset.UtcNow.AddMinutes(-1), "print('ran')"));

        Assert.That(past.ExitCode, Is.Zero, past.Error);
        Assert.That(past.Output, Is.EqualTo(new[] { "ran" }));
        Assert.That(ContainerScripts.NotBefore(null, PrintClock), Is.EqualTo(PrintClock));
    }
}
