using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace QtsOps.Tests.Tools;

/// <summary>An HTTP endpoint on 127.0.0.1 that records what is posted and answers with a chosen status.</summary>
public sealed class WebhookListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly CancellationTokenSource _stopping = new();

    public WebhookListener(HttpStatusCode status = HttpStatusCode.OK, TimeSpan? delay = null)
    {
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/services/T000/B000/secret-key";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            try
            {
                while (_listener.IsListening)
                {
                    var context = await _listener.GetContextAsync();
                    using var reader = new StreamReader(context.Request.InputStream);
                    Requests.Enqueue((context.Request.ContentType ?? "", await reader.ReadToEndAsync()));
                    if (delay is { } wait) await Task.Delay(wait, _stopping.Token);
                    context.Response.StatusCode = (int)status;
                    context.Response.Close();
                }
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or OperationCanceledException)
            {
                // stopped
            }
        });
    }

    public string Url { get; }

    public ConcurrentQueue<(string ContentType, string Body)> Requests { get; } = new();

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stopping.Dispose();
    }
}
