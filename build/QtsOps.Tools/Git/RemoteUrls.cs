using System.Text.RegularExpressions;

namespace QtsOps.Tools.Git;

/// <summary>Remote URLs in text meant for people.</summary>
public static partial class RemoteUrls
{
    /// <summary>
    /// <paramref name="text"/> with the user information (<c>user:password@</c>) of every
    /// <c>scheme://</c> URL in it removed: a URL may carry a token, and messages end up in logs.
    /// </summary>
    public static string WithoutUserInfo(string text) => UserInfo().Replace(text, "$1");

    [GeneratedRegex(@"([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@")]
    private static partial Regex UserInfo();
}
