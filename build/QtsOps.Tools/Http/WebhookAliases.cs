using System.Text;
using Cake.Core;
using Cake.Core.Annotations;

namespace QtsOps.Tools.Http;

public sealed class WebhookSettings
{
    /// <summary>How long to wait for the webhook: a notification must not hold up the pipeline.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>Posts JSON to an incoming webhook (Slack, Teams and the like).</summary>
[CakeAliasCategory("Webhook")]
public static class WebhookAliases
{
    /// <exception cref="HttpRequestException">Unreachable, or answered with a status other than 2xx.</exception>
    /// <exception cref="TaskCanceledException">No answer within the timeout.</exception>
    [CakeMethodAlias]
    public static void WebhookPost(this ICakeContext context, string url, string json, WebhookSettings? settings = null)
    {
        using var client = new HttpClient { Timeout = (settings ?? new WebhookSettings()).Timeout };
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = client.PostAsync(new Uri(url), content).GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"the webhook answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
    }
}
