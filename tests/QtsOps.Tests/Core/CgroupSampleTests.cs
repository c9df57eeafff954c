using QtsOps.Core.Verification;

namespace QtsOps.Tests.Core;

/// <summary>A container's CPU and memory from the counters its cgroup sampler prints.</summary>
[Category("Core")]
public class CgroupSampleTests
{
    [Test]
    public void Cpu_is_the_time_used_in_percent_of_the_time_passed_and_memory_leaves_out_the_inactive_cache()
    {
        var sample = CgroupSample.Parse("v1 125000000 500000000 16044032 2686976 16044032 2686976");

        Assert.That(sample, Is.EqualTo(new CgroupSample(25.0, 13357056)));
    }

    [TestCase("v1 1 1 20000 5000 17000 1000", 15000)]
    [TestCase("v1 1 1 17000 1000 20000 5000", 15000)]
    public void Memory_is_the_lower_of_the_readings_at_both_ends(string line, long memory)
    {
        Assert.That(CgroupSample.Parse(line).MemoryUsageBytes, Is.EqualTo(memory));
    }

    [Test]
    public void Two_cores_busy_are_two_hundred_percent_and_a_cache_as_large_as_the_usage_is_counted()
    {
        Assert.That(CgroupSample.Parse("v2 1000000000 500000000 4096 4096 8192 8192"), Is.EqualTo(new CgroupSample(200.0, 4096)));
    }

    [TestCase("")]
    [TestCase("v3 1 2 3 4 5 6")]
    [TestCase("v1 1 2 3 4 5")]
    [TestCase("v1 1 2 3 4 5 6 7")]
    [TestCase("v1 -1 2 3 4 5 6")]
    [TestCase("v1 1 2 3 4 5 six")]
    public void A_line_of_another_shape_is_refused_and_quoted(string line)
    {
        var refused = Assert.Throws<InvalidDataException>(() => CgroupSample.Parse(line));

        Assert.That(refused!.Message, Is.EqualTo($"the cgroup sample is not 'v1|v2 CPU_NS ELAPSED_NS USAGE INACTIVE USAGE INACTIVE' but '{line}'"));
    }

    [Test]
    public void A_sample_that_spans_no_time_is_refused()
    {
        var refused = Assert.Throws<InvalidDataException>(() => CgroupSample.Parse("v1 5 0 3 1 3 1"));

        Assert.That(refused!.Message, Is.EqualTo("the cgroup sample 'v1 5 0 3 1 3 1' spans no time"));
    }
}
