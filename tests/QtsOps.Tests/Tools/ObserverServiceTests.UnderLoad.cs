using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using QtsOps.Build.Deployment;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Tools;

/// <summary>
/// The observer under clients that misbehave or never stop asking: backups of its live data directory
/// while /health is flooded, and clients that send a request a byte at a time.
/// </summary>
public partial class ObserverServiceTests
{
    [Test]
    public void Backups_of_the_live_data_directory_succeed_while_health_is_flooded()
    {
        using var observer = new ObserverProcess(_root.Path).Start();
        observer.WaitForRecords(2);

        HealthFlood.BackUpWhileFlooded(new LocalDeploymentHost(_root.Path, _root.Path), observer, _root.Combine("backups"), times: 300);
    }

    [Test]
    public void Clients_sending_a_request_a_byte_at_a_time_are_cut_and_hold_a_bounded_number_of_threads_while_health_answers()
    {
        using var observer = new ObserverProcess(_root.Path).Start();
        var slow = Enumerable.Range(0, 80).Select(_ => SlowClient(observer.Port)).ToList();
        var connections = slow.Select(client => client.GetStream()).ToList();
        using var stopTrickling = new CancellationTokenSource();
        // One more header byte a second from each: every read gets a byte in time, so only a deadline for the whole request ends them.
        var trickle = Task.Run(async () =>
        {
            while (!stopTrickling.IsCancellationRequested)
            {
                foreach (var connection in connections)
                    try { await connection.WriteAsync("X"u8.ToArray()); }
                    catch (Exception e) when (e is IOException or ObjectDisposedException) { }
                await Task.Delay(1000);
            }
        });
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
            for (var ask = 0; ask < 3; ask++)
                using (var response = http.GetAsync($"http://127.0.0.1:{observer.Port}/health").GetAwaiter().GetResult())
                    Assert.That((int)response.StatusCode, Is.EqualTo(200), "health answers beside the slow clients");

            Assert.That(Threads(observer.ProcessId), Is.LessThanOrEqualTo(32 + 4), "at most 32 connections served at once (a thread each), beside the main, HTTP and record threads");

            using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var cut = Task.WhenAll(connections.Select(connection => TcpConnections.ClosedByPeer(connection, wait.Token))).GetAwaiter().GetResult();
            Assert.That(cut.Count(closed => closed), Is.EqualTo(slow.Count), "the observer ended every request that did not arrive whole by its deadline");
        }
        finally
        {
            stopTrickling.Cancel();
            trickle.Wait();
            foreach (var client in slow) client.Dispose();
        }
        Assert.That(observer.GetHealth().Status, Is.EqualTo(200));
        Assert.That(observer.Terminate(), Is.Zero, observer.Output);
    }

    private static TcpClient SlowClient(int port)
    {
        var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        client.GetStream().Write("GET /health HTTP/1.1\r\nHost: observer\r\n"u8);
        return client;
    }

    private static int Threads(int pid) =>
        int.Parse(File.ReadAllLines($"/proc/{pid}/status").Single(line => line.StartsWith("Threads:")).Split(':')[1].Trim());
}
