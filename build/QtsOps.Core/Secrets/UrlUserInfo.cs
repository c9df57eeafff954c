using System.Text.RegularExpressions;

namespace QtsOps.Core.Secrets;

/// <summary>
/// Removes the user info (<c>user:token@</c>) from URLs: a remote written
/// <c>https://user:token@host/repo</c> carries its credential wherever the URL goes (build
/// arguments, image labels, messages). Call it on every URL that leaves the process.
/// </summary>
public static partial class UrlUserInfo
{
    /// <summary><paramref name="text"/> (a URL, or a message holding URLs) with the user info of each URL removed.</summary>
    public static string Remove(string text) => UserInfo().Replace(text, "${scheme}");

    [GeneratedRegex(@"(?<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#@]+@")]
    private static partial Regex UserInfo();
}
