using System.Net.Http;
using QtsOps.Build.Deployment;

namespace QtsOps.Tests.Support;

/// <summary>Four clients asking /health as fast as they can (far more than 50 a second), until disposed.</summary>
internal sealed class HealthFlood : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private int _answered;

    public HealthFlood(int port)
    {
        _clients = [.. Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.GetAsync($"http://127.0.0.1:{port}/health", _stop.Token);
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.IsSuccessStatusCode) Interlocked.Increment(ref _answered);
                    else lock (Failures) Failures.Add($"/health answered {(int)response.StatusCode}: {body}");
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
            }
        }))];
    }

    /// <summary>
    /// <paramref name="times"/> backups on <paramref name="host"/> of <paramref name="observer"/>'s live data directory into <paramref name="backups"/>,
    /// each pruned to one, while /health is flooded: each backup holds the day's records, and /health answered all along.
    /// </summary>
    public static void BackUpWhileFlooded(IDeploymentHost host, ObserverProcess observer, string backups, int times)
    {
        using var flood = new HealthFlood(observer.Port);

        for (var backup = 0; backup < times; backup++)
        {
            var result = host.BackUp(observer.DataDirectory, backups, "x", DateTimeOffset.UtcNow);
            Assert.That(result.Files, Is.EqualTo(1), "the day's records are in the backup; the health probe is no data");
            host.PruneBackups(result.Backups, 1);
        }

        Assert.That(flood.Answered, Is.GreaterThan(50), "/health was asked all along");
        Assert.That(flood.Failures, Is.Empty);
    }

    public int Answered => Volatile.Read(ref _answered);
    public List<string> Failures { get; } = [];

    public void Dispose()
    {
        _stop.Cancel();
        Task.WaitAll(_clients);
        _stop.Dispose();
    }
}
