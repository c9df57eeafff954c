using System.Globalization;
using QtsOps.Build.Deployment;
using QtsOps.Core.Verification;
using QtsOps.Tests.Docker;
using QtsOps.Tests.Support;

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

    [Test]
    public void The_cgroup_sampler_reads_a_v1_tree_memory_less_its_inactive_cache()
    {
        using var cgroup = new TempDirectory();
        cgroup.Write("cpuacct/cpuacct.usage", "30719861275\n");
        cgroup.Write("memory/memory.usage_in_bytes", "16044032\n");
        cgroup.Write("memory/memory.stat", "cache 4096\ninactive_file 1\ntotal_inactive_file 2686976\n");

        var fields = Sample(cgroup).Split(' ');

        // The counters do not move here: no CPU time used in the time that passed.
        Assert.That((fields[0], fields[1], fields[3], fields[4], fields[5], fields[6]), Is.EqualTo(("v1", "0", "16044032", "2686976", "16044032", "2686976")));
        Assert.That(long.Parse(fields[2], CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(100_000_000), "the span is the sample's, 0.1 s");
        Assert.That(CgroupSample.Parse(Sample(cgroup)), Is.EqualTo(new CgroupSample(0, 13357056)));
    }

    [Test]
    public void The_cgroup_sampler_reads_a_v2_tree_when_it_has_cpu_stat()
    {
        using var cgroup = new TempDirectory();
        cgroup.Write("cpu.stat", "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n");
        cgroup.Write("memory.current", "9000\n");
        cgroup.Write("memory.stat", "anon 100\nfile 200\ninactive_file 1000\ntotal_inactive_file 7\n");
        // A v1 tree beside it, which a v2 reader must not take.
        cgroup.Write("cpuacct/cpuacct.usage", "1\n");

        var fields = Sample(cgroup).Split(' ');

        Assert.That((fields[0], fields[1], fields[3], fields[4], fields[5], fields[6]), Is.EqualTo(("v2", "0", "9000", "1000", "9000", "1000")));
    }

    [Test]
    public void The_cgroup_sampler_counts_the_cpu_time_used_between_its_two_reads()
    {
        // The counter moves between the two reads, as the service's CPU time would: this copy of the script writes it during its wait.
        using var cgroup = new TempDirectory();
        cgroup.Write("cpu.stat", "usage_usec 1000\n");
        cgroup.Write("memory.current", "10\n");
        cgroup.Write("memory.stat", "inactive_file 0\n");
        var script = ContainerScripts.CgroupCounters.Replace("time.sleep(seconds)", "time.sleep(seconds)\nopen(os.path.join(root, 'cpu.stat'), 'w').write('usage_usec 3000\\n')");

        var run = Command.Run("python3", "-c", script, cgroup.Path, "0.1").EnsureSuccess("the cgroup sampler");

        Assert.That(run.Output.Single().Split(' ')[1], Is.EqualTo("2000000"), "2000 microseconds between the reads, in nanoseconds");
    }

    private static string Sample(TempDirectory cgroup) =>
        Command.Run("python3", "-c", ContainerScripts.CgroupCounters, cgroup.Path, "0.1").EnsureSuccess("the cgroup sampler").Output.Single();
}
