using System.Net.Http;

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

    public int Answered => Volatile.Read(ref _answered);
    public List<string> Failures { get; } = [];

    public void Dispose()
    {
        _stop.Cancel();
        Task.WaitAll(_clients);
        _stop.Dispose();
    }
}
