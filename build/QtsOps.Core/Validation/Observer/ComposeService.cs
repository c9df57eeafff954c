using QtsOps.Core.Validation.Sources;
using YamlDotNet.RepresentationModel;

namespace QtsOps.Core.Validation.Observer;

public sealed record ComposeVolume(string? Source, string Target, bool ReadOnly, int Line);

/// <summary>The settings of one compose service, in both the short and the long syntax.</summary>
public static class ComposeService
{
    /// <summary><c>environment:</c> as a mapping or as a list of <c>NAME=value</c>.</summary>
    public static IReadOnlyDictionary<string, (string Value, int Line)> Environment(YamlMappingNode service)
    {
        var environment = new Dictionary<string, (string, int)>();
        switch (service.Child("environment"))
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                    environment[key.Scalar() ?? ""] = (value.Scalar() ?? "", key.Line());
                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                    if (item.Scalar() is { } entry)
                        environment[entry.Split('=', 2)[0]] = (entry.Contains('=') ? entry.Split('=', 2)[1] : "", item.Line());
                break;
        }
        return environment;
    }

    /// <summary><c>volumes:</c> as <c>source:target[:mode]</c> strings or as mappings with target.</summary>
    public static IReadOnlyList<ComposeVolume> Volumes(YamlMappingNode service) => service.Child("volumes").Items().Select(item =>
    {
        if (item is YamlMappingNode mapping)
            return new ComposeVolume(mapping.Child("source").Scalar(), mapping.Child("target").Scalar() ?? "", mapping.Child("read_only").IsTrue(), item.Line());
        var parts = SplitOutsideVariables(item.Scalar() ?? "");
        return parts.Length switch
        {
            1 => new ComposeVolume(null, parts[0], false, item.Line()),
            2 => new ComposeVolume(parts[0], parts[1], false, item.Line()),
            _ => new ComposeVolume(parts[0], parts[1], parts[2].Split(',').Contains("ro"), item.Line()),
        };
    }).ToList();

    /// <summary>A short volume entry's parts: its colons, not those of a <c>${VAR:-default}</c> in it.</summary>
    private static string[] SplitOutsideVariables(string entry)
    {
        var parts = new List<string>();
        var (start, depth) = (0, 0);
        for (var i = 0; i < entry.Length; i++)
        {
            if (entry[i] == '{' && i > 0 && entry[i - 1] == '$') depth++;
            else if (entry[i] == '}' && depth > 0) depth--;
            else if (entry[i] == ':' && depth == 0)
            {
                parts.Add(entry[start..i]);
                start = i + 1;
            }
        }
        parts.Add(entry[start..]);
        return [.. parts];
    }

    /// <summary>The container side of each <c>ports:</c> entry (<c>[ip:]host:container[/proto]</c> or <c>target:</c>).</summary>
    public static IReadOnlyList<(string ContainerPort, int Line)> ContainerPorts(YamlMappingNode service) =>
        service.Child("ports").Items().Select(item => item is YamlMappingNode mapping
                ? (mapping.Child("target").Scalar() ?? "", item.Line())
                : ((item.Scalar() ?? "").Split(':')[^1].Split('/')[0], item.Line()))
            .ToList();

    /// <summary>The healthcheck's test as one command line; "CMD"/"CMD-SHELL" dropped. Null when there is none.</summary>
    public static (string Command, int Line, bool Disabled)? Healthcheck(YamlMappingNode service)
    {
        var healthcheck = service.Child("healthcheck");
        if (healthcheck is null) return null;
        var test = healthcheck.Child("test");
        var line = (test ?? healthcheck).Line();
        if (healthcheck.Child("disable").IsTrue()) return ("", line, true);
        var words = test is YamlSequenceNode sequence ? sequence.Children.Select(c => c.Scalar() ?? "").ToList() : [test.Scalar() ?? ""];
        if (words is ["NONE", ..]) return ("", line, true);
        if (words is ["CMD" or "CMD-SHELL", ..]) words.RemoveAt(0);
        return (string.Join(' ', words), line, false);
    }
}
