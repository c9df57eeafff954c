using System.Net;

namespace QtsOps.Build.Registry;

/// <summary>
/// Where registry credentials may go: over HTTPS (or plain HTTP to this machine, which no one else
/// can listen to), and only to the registry's own host. A token realm on another host gets no
/// credentials, whatever the registry's challenge names.
/// </summary>
public static class CredentialScope
{
    /// <summary>True when credentials for <paramref name="registryHost"/> may be sent to <paramref name="destination"/>.</summary>
    public static bool Allows(Uri destination, string registryHost) =>
        IsPrivateChannel(destination) && destination.Host.Equals(registryHost, StringComparison.OrdinalIgnoreCase);

    /// <summary>HTTPS, or a loopback address (localhost, 127.0.0.0/8, ::1).</summary>
    public static bool IsPrivateChannel(Uri destination) =>
        destination.Scheme == Uri.UriSchemeHttps || IsLoopback(destination.Host);

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
