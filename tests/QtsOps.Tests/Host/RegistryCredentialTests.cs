using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using QtsOps.Build.Registry;

namespace QtsOps.Tests.Host;

/// <summary>Registry credentials go over HTTPS (or to this machine) and to the registry's own host only.</summary>
public class RegistryCredentialTests
{
    [TestCase("https://registry.example/v2/", "registry.example", true)]
    [TestCase("http://registry.example/v2/", "registry.example", false)]
    [TestCase("https://auth.elsewhere.example/token", "registry.example", false)]
    [TestCase("http://127.0.0.1:5000/v2/", "127.0.0.1", true)]
    [TestCase("http://[::1]:5000/v2/", "[::1]", true)]
    [TestCase("http://localhost:5000/token", "127.0.0.1", false)]
    public void Credentials_may_go_only_over_a_private_channel_to_their_own_host(string destination, string registryHost, bool allowed)
    {
        Assert.That(CredentialScope.Allows(new Uri(destination), registryHost), Is.EqualTo(allowed));
    }

    [TestCase("localhost", false, TestName = "A token realm on another host gets no credentials")]
    [TestCase("127.0.0.1", true, TestName = "A token realm on the registry's host gets them")]
    public void The_token_realm_gets_credentials_only_when_it_is_the_registrys_host(string realmHost, bool credentialsSent)
    {
        using var registry = new FakeRegistry(realmHost);

        var digest = new RegistryManifests($"127.0.0.1:{registry.Port}", tls: false, "ci", "p4ss-word").Digest("qts-observer", "1.0.0");

        Assert.That(digest, Is.EqualTo(FakeRegistry.Digest));
        Assert.That(registry.TokenAuthorization.Single() is not null, Is.EqualTo(credentialsSent));
    }

    /// <summary>A registry that asks for a bearer token from a realm on <c>realmHost</c> and serves one manifest.</summary>
    private sealed class FakeRegistry : IDisposable
    {
        public const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        private readonly HttpListener _listener = new();
        private readonly string _realmHost;

        public FakeRegistry(string realmHost)
        {
            _realmHost = realmHost;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Prefixes.Add($"http://localhost:{Port}/");
            _listener.Start();
            _ = Task.Run(Serve);
        }

        public int Port { get; }

        /// <summary>The Authorization header of each token request (null: none).</summary>
        public ConcurrentQueue<string?> TokenAuthorization { get; } = new();

        private async Task Serve()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException) { return; }
                var response = context.Response;
                if (context.Request.Url!.AbsolutePath == "/token")
                {
                    TokenAuthorization.Enqueue(context.Request.Headers["Authorization"]);
                    var body = Encoding.UTF8.GetBytes("{\"token\":\"issued\"}");
                    response.OutputStream.Write(body);
                }
                else if (context.Request.Headers["Authorization"] == "Bearer issued")
                    response.Headers["Docker-Content-Digest"] = Digest;
                else
                {
                    response.StatusCode = 401;
                    response.Headers["WWW-Authenticate"] = $"Bearer realm=\"http://{_realmHost}:{Port}/token\",service=\"fake\",scope=\"repository:qts-observer:pull\"";
                }
                response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
