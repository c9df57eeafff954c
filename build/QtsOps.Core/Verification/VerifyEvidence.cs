namespace QtsOps.Core.Verification;

/// <summary>What the verify target saw of a running deployment; <see cref="VerifyChecklist"/> judges it.</summary>
public sealed record VerifyEvidence
{
    public required string ContainerName { get; init; }
    /// <summary>Null when there is no such container.</summary>
    public ContainerEvidence? Container { get; init; }
    public required HttpEvidence HealthEndpoint { get; init; }
    public required double SettleSeconds { get; init; }
    public required IReadOnlyDictionary<string, string> ExpectedEnvironment { get; init; }
    /// <summary>The container's environment as `env` prints it inside; null when exec failed.</summary>
    public IReadOnlyDictionary<string, string>? ActualEnvironment { get; init; }
    public string? EnvironmentError { get; init; }
    public required IReadOnlyList<MountEvidence> Mounts { get; init; }
    public required IReadOnlyList<string> LogLines { get; init; }
    public ResourceEvidence? Resources { get; init; }
    public required DataRecordEvidence Records { get; init; }
    public DiskEvidence? Disk { get; init; }
    public required int MaxDiskUsedPercent { get; init; }
}

public sealed record ContainerEvidence(string Id, string Status, bool Running, string? HealthStatus, int RestartCount, DateTimeOffset StartedAt, string ImageId);

/// <summary>A GET through the published port: the status code, or the error when there was no answer.</summary>
public sealed record HttpEvidence(string Url, int? StatusCode, string Body, string? Error)
{
    /// <summary>The requests that failed just before this one (<see cref="EndpointJudgement"/>), each in a few words.</summary>
    public IReadOnlyList<string> EarlierFailures { get; init; } = [];
}

/// <summary>A mount the deployment needs, and whether the container user could write and delete a probe file there.</summary>
public sealed record MountEvidence(string Destination, bool MustBeWritable, string? Source, bool? ReadWrite, bool? ProbeWrittenAndDeleted, string? ProbeOutput);

/// <summary>CPU in percent of one core; limits as the engine applied them (0 = none).</summary>
public sealed record ResourceEvidence(double CpuPercent, double CpuLimitCores, double ExpectedCpuLimitCores, long MemoryUsageBytes, long MemoryLimitBytes, long ExpectedMemoryLimitBytes);

/// <summary>Timestamps of the newest records, and since when one must have been written: the container's start (an older record is the previous run's).</summary>
public sealed record DataRecordEvidence(DateTimeOffset Since, IReadOnlyList<DateTimeOffset> RecordTimes, string? Error);

public sealed record DiskEvidence(string Path, int UsedPercent, string Raw);
