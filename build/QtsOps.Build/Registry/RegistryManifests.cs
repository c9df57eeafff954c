using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace QtsOps.Build.Registry;

/// <summary>
/// Asks a registry (Docker Registry HTTP API v2) for a tag's manifest digest, with basic or token auth.
/// Credentials go only where <see cref="CredentialScope"/> allows: elsewhere the request is anonymous.
/// </summary>
public sealed partial class RegistryManifests(string registry, bool tls, string? username, string? password)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private static readonly string[] ManifestTypes =
    [
        "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
    ];

    /// <summary>The Docker-Content-Digest of repository:tag, or null when the registry has no such manifest.</summary>
    public string? Digest(string repository, string tag)
    {
        var url = Api($"{repository}/manifests/{tag}");
        using var first = Head(url, BasicFor(url));
        var response = first;
        HttpResponseMessage? retried = null;
        if (first.StatusCode == HttpStatusCode.Unauthorized && first.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme == "Bearer") is { } challenge)
            response = retried = Head(url, new AuthenticationHeaderValue("Bearer", Token(challenge.Parameter ?? "")));
        using (retried)
        {
            if (response.StatusCode == HttpStatusCode.NotFound) return null;
            if (!response.IsSuccessStatusCode)
                throw new PipelineException($"The registry {registry} answered {(int)response.StatusCode} {response.ReasonPhrase} for {repository}:{tag}. Fix: check QTSOPS_REGISTRY_USERNAME / QTSOPS_REGISTRY_PASSWORD and the registry address." +
                    (username is not null && !CredentialScope.IsPrivateChannel(url) ? " The credentials were not sent: they go over HTTPS only (or to a registry on this machine)." : ""));
            return response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.First() : null;
        }
    }

    /// <summary>Whether the registry answers its API root (/v2/) with 401 to a request without a login: it takes no anonymous push.</summary>
    public bool RequiresLogin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Api(""));
        using var response = Http.Send(request);
        return response.StatusCode == HttpStatusCode.Unauthorized;
    }

    /// <summary>A URL of the registry's HTTP API, below /v2/.</summary>
    private Uri Api(string path) => new(RegistryAccess.AddressOf(registry, tls), $"v2/{path}");

    private static HttpResponseMessage Head(Uri url, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, url);
        foreach (var type in ManifestTypes) request.Headers.Accept.ParseAdd(type);
        request.Headers.Authorization = authorization;
        return Http.Send(request);
    }

    /// <summary>Our credentials as basic auth, for a destination they may go to; null (anonymous) otherwise.</summary>
    private AuthenticationHeaderValue? BasicFor(Uri destination) => username is null || !CredentialScope.Allows(destination, RegistryHost) ? null
        : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));

    private string RegistryHost => new Uri($"http://{registry}").Host;

    /// <summary>The token flow: realm, service and scope from the challenge, our credentials as basic auth when the realm may have them.</summary>
    private string Token(string challenge)
    {
        var parameters = ChallengeParameter().Matches(challenge).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        if (!parameters.TryGetValue("realm", out var realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUrl))
            throw new PipelineException($"The registry {registry} asked for a token without a valid realm.");
        var query = string.Join("&", parameters.Where(p => p.Key != "realm").Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
        var credentials = BasicFor(realmUrl);
        using var request = new HttpRequestMessage(HttpMethod.Get, query.Length > 0 ? $"{realm}?{query}" : realm) { Headers = { Authorization = credentials } };
        using var response = Http.Send(request);
        if (!response.IsSuccessStatusCode)
            throw new PipelineException($"The registry {registry} refused a token ({(int)response.StatusCode}). Fix: check QTSOPS_REGISTRY_USERNAME / QTSOPS_REGISTRY_PASSWORD." +
                (username is not null && credentials is null ? $" The credentials were not sent to its token realm {realmUrl.Scheme}://{realmUrl.Authority}: they go over HTTPS to {RegistryHost} only." : ""));
        using var document = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        var root = document.RootElement;
        return (root.TryGetProperty("token", out var token) ? token : root.GetProperty("access_token")).GetString()!;
    }

    [GeneratedRegex("(\\w+)=\"([^\"]*)\"")]
    private static partial Regex ChallengeParameter();
}
