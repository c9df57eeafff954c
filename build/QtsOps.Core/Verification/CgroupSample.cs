using System.Globalization;

namespace QtsOps.Core.Verification;

/// <summary>
/// CPU and memory of a container from its own cgroup's counters, read inside it twice a moment apart (the line the sampler prints:
/// "v1|v2 CPU_NS ELAPSED_NS MEMORY_USAGE INACTIVE_FILE"), judged as `docker stats` judges the same counters: CPU in percent of one
/// core (the CPU time used over the time passed), memory without the inactive file cache (total_inactive_file on cgroup v1,
/// inactive_file on v2). `docker stats` waits for two of the engine's readings a second apart (one to two seconds); this takes the sample's own.
/// </summary>
public sealed record CgroupSample(double CpuPercent, long MemoryUsageBytes)
{
    public static CgroupSample Parse(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5 || fields[0] is not ("v1" or "v2") || !fields.Skip(1).All(field => long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            throw new InvalidDataException($"the cgroup sample is not 'v1|v2 CPU_NS ELAPSED_NS MEMORY_USAGE INACTIVE_FILE' but '{line}'");
        var (cpu, elapsed, usage, inactive) = (long.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[2], CultureInfo.InvariantCulture),
            long.Parse(fields[3], CultureInfo.InvariantCulture), long.Parse(fields[4], CultureInfo.InvariantCulture));
        if (elapsed == 0) throw new InvalidDataException($"the cgroup sample '{line}' spans no time");
        return new CgroupSample(cpu * 100.0 / elapsed, inactive < usage ? usage - inactive : usage);
    }
}
