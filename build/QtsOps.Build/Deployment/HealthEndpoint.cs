using QtsOps.Core.Verification;

namespace QtsOps.Build.Deployment;

/// <summary>The service's /health, asked where the answer is true (deploy's wait and verify share it).</summary>
/// <param name="healthUrl">The environment's healthUrl: /health as this machine reaches it.</param>
public sealed class HealthEndpoint(DockerEngine engine, string healthUrl)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>GET a URL from this machine: its status and body, or why there was none.</summary>
    public static HttpEvidence Get(string url)
    {
        try
        {
            using var response = Http.GetAsync(url).GetAwaiter().GetResult();
            return new HttpEvidence(url, (int)response.StatusCode, response.Content.ReadAsStringAsync().GetAwaiter().GetResult().Trim(), null);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return new HttpEvidence(url, null, "", exception.Message);
        }
    }

    /// <summary>
    /// GET /health where it is true: on this machine through healthUrl; on a remote host from inside the
    /// container (its own loopback), and through healthUrl too when that is reachable from here. The
    /// evidence says which.
    /// </summary>
    /// <param name="inside">Asks inside the container only: a slot that does not serve yet, which healthUrl does not reach.</param>
    /// <param name="notBefore">When given, asks no earlier than then (by the container's clock inside it, which on this machine is this machine's).</param>
    public HttpEvidence Ask(string container, bool running, bool inside = false, DateTimeOffset? notBefore = null)
    {
        if (!engine.IsRemote && !inside)
        {
            if (notBefore - DateTimeOffset.UtcNow is { } early && early > TimeSpan.Zero) Thread.Sleep(early);
            return Get(healthUrl);
        }
        if (!running) return new HttpEvidence(InsideUrl(container), null, "", "the container is not running");
        var evidence = Inside(container, notBefore);
        if (evidence.StatusCode != 200 || inside) return evidence;
        var outside = Get(healthUrl);
        return outside.StatusCode is null
            ? evidence with { Url = $"{evidence.Url} ({healthUrl} is not reachable from this machine: {outside.Error})" }
            : outside with { Url = $"{healthUrl} from this machine (and {evidence.Url}: 200)" };
    }

    /// <summary>/health as verify judges it: asked again after a failure, a few times (<see cref="EndpointJudgement"/>), before it counts as failed.</summary>
    public HttpEvidence Judge(string container, bool running, bool inside = false, DateTimeOffset? notBefore = null) =>
        running ? EndpointJudgement.Ask(() => Ask(container, running, inside, notBefore), Thread.Sleep) : Ask(container, running, inside);

    /// <summary>Whether /health answers 200 now: through healthUrl on this machine, inside the container on a remote host or when asked to (a slot, which publishes no port).</summary>
    public bool Answers(string container, bool inside) => (engine.IsRemote || inside ? Inside(container, notBefore: null) : Get(healthUrl)).StatusCode == 200;

    private HttpEvidence Inside(string container, DateTimeOffset? notBefore)
    {
        var asked = engine.Exec(container, "python3", "-c", ContainerScripts.NotBefore(notBefore, ContainerScripts.HealthStatusAndBody));
        return asked.Succeeded && asked.Output.Count > 0 && int.TryParse(asked.Output[0], out var status)
            ? new HttpEvidence(InsideUrl(container), status, string.Join("\n", asked.Output.Skip(1)).Trim(), null)
            : new HttpEvidence(InsideUrl(container), null, "", string.Join(" ", asked.Error.Concat(asked.Output)).Trim());
    }

    private string InsideUrl(string container) => $"http://127.0.0.1:{ContainerScripts.ServicePort}/health inside {container} on {engine.Host.Name}";
}
