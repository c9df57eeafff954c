using System.Text.Json;

namespace QtsOps.Core.Notifications;

public enum NotificationEvent { DeploySucceeded, DeployFailed, VerifyFailed, RolledBack }

/// <summary>The message a webhook gets: <c>{"text": "..."}</c>, which Slack and Teams incoming webhooks both take.</summary>
public static class NotificationMessage
{
    public static string Text(NotificationEvent kind, string environment, string version, string detail)
    {
        var headline = kind switch
        {
            NotificationEvent.DeploySucceeded => $"✅ QTS Observer {version} deployed to {environment}.",
            NotificationEvent.DeployFailed => $"❌ QTS Observer {version} failed to deploy to {environment}.",
            NotificationEvent.VerifyFailed => $"❌ QTS Observer {version} failed verification on {environment}.",
            NotificationEvent.RolledBack => $"↩️ QTS Observer on {environment} rolled back from {version}.",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return detail.Trim().Length == 0 ? headline : $"{headline} {detail.Trim()}";
    }

    public static string Json(string text) => JsonSerializer.Serialize(new { text });
}

/// <summary>A webhook URL is a secret (its path is the key): logs show the scheme and host only.</summary>
public static class WebhookUrl
{
    public static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/***" : "(a malformed webhook URL)";
}
