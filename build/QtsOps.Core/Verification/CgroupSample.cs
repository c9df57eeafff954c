using System.Globalization;

namespace QtsOps.Core.Verification;

/// <summary>
/// CPU and memory of a container from its own cgroup's counters, read inside it at both ends of a moment (the line the sampler prints:
/// "v1|v2 CPU_NS ELAPSED_NS USAGE INACTIVE USAGE INACTIVE"), judged as `docker stats` judges the same counters: CPU in percent of one
/// core (the CPU time used over the time passed), memory without the inactive file cache (total_inactive_file on cgroup v1, inactive_file
/// on v2), the lower of the two readings (the commands the check runs inside at the same time count too, as in `docker stats`, and the
/// sampler's own Python: a few MiB). `docker stats` waits for two of the engine's readings a second apart (one to two seconds).
/// </summary>
public sealed record CgroupSample(double CpuPercent, long MemoryUsageBytes)
{
    private const string Shape = "v1|v2 CPU_NS ELAPSED_NS USAGE INACTIVE USAGE INACTIVE";

    public static CgroupSample Parse(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var numbers = fields.Skip(1).Select(field => long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : (long?)null).ToList();
        if (fields.Length != 7 || fields[0] is not ("v1" or "v2") || numbers.Contains(null))
            throw new InvalidDataException($"the cgroup sample is not '{Shape}' but '{line}'");
        var (cpu, elapsed) = (numbers[0]!.Value, numbers[1]!.Value);
        if (elapsed == 0) throw new InvalidDataException($"the cgroup sample '{line}' spans no time");
        return new CgroupSample(cpu * 100.0 / elapsed, Math.Min(WithoutCache(numbers[2]!.Value, numbers[3]!.Value), WithoutCache(numbers[4]!.Value, numbers[5]!.Value)));
    }

    /// <summary>As `docker stats`: the usage less the inactive file cache, when that is the smaller.</summary>
    private static long WithoutCache(long usage, long inactive) => inactive < usage ? usage - inactive : usage;
}
