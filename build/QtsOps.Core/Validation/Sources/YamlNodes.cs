using YamlDotNet.RepresentationModel;

namespace QtsOps.Core.Validation.Sources;

/// <summary>Lookups on YamlDotNet's representation model, which keeps every node's line.</summary>
public static class YamlNodes
{
    public static YamlNode? Child(this YamlNode? node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    /// <summary>The key node of <paramref name="key"/>: its line is where the setting is written.</summary>
    public static YamlNode? Key(this YamlNode? node, string key) =>
        node is YamlMappingNode mapping ? mapping.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: var v } && v == key) : null;

    public static string? Scalar(this YamlNode? node) => (node as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(this YamlNode? node) => node is YamlSequenceNode sequence ? sequence.Children : [];

    /// <summary>1-based line of the node.</summary>
    public static int Line(this YamlNode node) => (int)node.Start.Line;

    public static bool IsTrue(this YamlNode? node) => node.Scalar() is { } value && value.Equals("true", StringComparison.OrdinalIgnoreCase);
}
