using QtsOps.Build.Deployment.Fleet;

namespace QtsOps.Tests.Host;

/// <summary>Work on several hosts at once (issue 24): bounded, every host to its end, results in the hosts' order.</summary>
public class EachHostTests
{
    private static readonly IReadOnlyList<QtsOps.Core.Fleet.EnvironmentHost> Sites =
        QtsOps.Tests.Core.FleetEnvironmentTests.Parse(QtsOps.Tests.Core.FleetEnvironmentTests.Fixture)["sites"].Hosts;

    [Test]
    public void A_failing_host_does_not_stop_the_others_and_results_keep_the_hosts_order()
    {
        var results = EachHost.Run(Sites, host => host.Name, 3, host => host.Name == "west" ? throw new InvalidOperationException("no disk") : host.Name.ToUpperInvariant());

        Assert.That(results.Select(r => r.Host), Is.EqualTo(new[] { "east", "west", "north" }));
        Assert.That(results.Select(r => r.Value), Is.EqualTo(new[] { "EAST", null, "NORTH" }));
        Assert.That(results.Select(r => r.Failed), Is.EqualTo(new[] { false, true, false }));
        Assert.That(results[1].Error!.Message, Is.EqualTo("no disk"));
    }

    [TestCase(1)]
    [TestCase(2)]
    public void Never_more_hosts_at_once_than_the_parallelism(int parallelism)
    {
        int running = 0, most = 0;
        EachHost.Run(Sites, host => host.Name, parallelism, host =>
        {
            var now = Interlocked.Increment(ref running);
            lock (Sites) most = Math.Max(most, now);
            // Waits for as many hosts as are allowed at once (bounded, so a lone one goes on): any more would be seen meanwhile.
            SpinWait.SpinUntil(() => Volatile.Read(ref running) >= parallelism, TimeSpan.FromSeconds(5));
            Thread.Sleep(50);
            return Interlocked.Decrement(ref running);
        });
        Assert.That(most, Is.EqualTo(parallelism));
    }

    [Test]
    public void The_pipelines_host_lets_its_blocking_work_take_pool_threads_without_waiting_for_the_pool_to_grow()
    {
        QtsOps.Build.BuildHost.Create();

        ThreadPool.GetMinThreads(out var workers, out _);
        Assert.That(workers, Is.GreaterThanOrEqualTo(QtsOps.Build.BuildHost.BlockingThreads),
            "a rollout blocks a pool thread per host and a check's reads: with one thread per core to start, queued work waited seconds");
    }
}
