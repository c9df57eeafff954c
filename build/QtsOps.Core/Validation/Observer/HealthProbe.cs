using System.Text.RegularExpressions;

namespace QtsOps.Core.Validation.Observer;

/// <summary>What a health check command does: whether it can fail at all, and what it probes.</summary>
public static partial class HealthProbe
{
    /// <summary>Why the command succeeds whatever the service does; null when it can fail.</summary>
    public static string? WhyItCannotFail(string command)
    {
        var text = command.Trim();
        if (AlwaysTrue().IsMatch(text)) return $"'{text}' always exits 0";
        if (SucceedsWhateverItsArguments().Match(text) is { Success: true } program) return $"'{program.Groups[1].Value}' exits 0 whatever its arguments";
        if (OrTrue().Match(text) is { Success: true } orTrue) return $"'{orTrue.Value.Trim()}' turns every failure into success";
        if (LastCommandSucceeds().Match(text) is { Success: true } last) return $"it ends with '{last.Groups[1].Value.Trim()}', which exits 0 whatever the probe found";
        // sys.exit(0) is harmless only after a probe that raises on failure, or beside another exit.
        if (PythonExitZero().Match(text) is { Success: true } python
            && !PythonOtherExit().IsMatch(text) && !(PythonRaisingProbe().IsMatch(text) && !text.Contains("except", StringComparison.Ordinal)))
            return $"'{python.Value}' exits 0 whatever the probe found";
        if (CurlWithoutFail().IsMatch(text) && !CurlFailOption().IsMatch(text)) return "curl without --fail exits 0 on an HTTP 503";
        return null;
    }

    /// <summary>
    /// Why the command does not ask the service in its own container for /health (a request from a
    /// program that makes one, to a loopback address); null when it does.
    /// </summary>
    public static string? WhyItDoesNotAskTheService(string command)
    {
        var urls = HttpUrl().Matches(command).Where(url => url.Groups["path"].Value.StartsWith("/health", StringComparison.Ordinal)).ToList();
        if (urls.Count == 0) return "does not call /health, so it says nothing about the service";
        if (!urls.Any(url => IsLoopback(url.Groups["host"].Value)))
            return $"calls {urls[0].Value}, which is not the service in its own container (the check runs inside it)";
        if (!RequestMaker().IsMatch(command)) return $"names {urls[0].Value} but nothing in it requests that URL, so it says nothing about the service";
        return null;
    }

    private static bool IsLoopback(string host) => host is "localhost" or "[::1]" or "0.0.0.0" || host.StartsWith("127.", StringComparison.Ordinal);

    /// <summary>The port of the URL the command calls; null when it names no http URL.</summary>
    public static int? Port(string command)
    {
        var url = HttpUrl().Match(command);
        if (!url.Success) return null;
        return url.Groups["port"].Success ? int.Parse(url.Groups["port"].Value) : url.Groups["scheme"].Value == "https" ? 443 : 80;
    }

    [GeneratedRegex(@"^(exit\s+0|true|/bin/true|/usr/bin/true|:)\s*;?$")]
    private static partial Regex AlwaysTrue();

    // true, ':', echo and printf ignore what follows them: ["CMD", "true", "http://127.0.0.1:8000/health"] asks nothing.
    [GeneratedRegex(@"^((?:/usr)?(?:/bin/)?(?:true|echo|printf)|:)\s[^;&|\n]*$")]
    private static partial Regex SucceedsWhateverItsArguments();

    [GeneratedRegex(@"\b(curl|wget|urlopen|requests\.(get|head)|http\.client|HTTPConnection)\b")]
    private static partial Regex RequestMaker();

    [GeneratedRegex(@"\|\|\s*(true|/bin/true|:|exit\s+0|echo\b[^|;&]*)\s*(;|$)")]
    private static partial Regex OrTrue();

    [GeneratedRegex(@"(?:;|\n)\s*(exit\s+0|true|:|echo\b[^|;&]*)\s*;?\s*$")]
    private static partial Regex LastCommandSucceeds();

    [GeneratedRegex(@"\b(?:sys\.exit|os\._exit|exit|quit)\(\s*(?:0|None|False)?\s*\)")]
    private static partial Regex PythonExitZero();

    [GeneratedRegex(@"\b(?:sys\.exit|os\._exit|exit|quit)\(\s*(?!(?:0|None|False)?\s*\))")]
    private static partial Regex PythonOtherExit();

    [GeneratedRegex(@"urlopen|requests\.(?:get|head)|http\.client|create_connection|raise_for_status|\braise\b|\bassert\b")]
    private static partial Regex PythonRaisingProbe();

    [GeneratedRegex(@"(^|[\s/""'])curl\s")]
    private static partial Regex CurlWithoutFail();

    [GeneratedRegex(@"\s(-[a-zA-Z]*f[a-zA-Z]*|--fail(-with-body)?)(\s|$)")]
    private static partial Regex CurlFailOption();

    [GeneratedRegex(@"(?<scheme>https?)://(?<host>\[[^\]]+\]|[^/:\s'""]+)(?::(?<port>\d+))?(?<path>/[^\s'""]*)?")]
    private static partial Regex HttpUrl();
}
