using System.Text;
using System.Text.Json;

namespace QtsOps.Release.Validation.Sources;

/// <summary>A JSON document with the line of every property, which JsonDocument does not keep.</summary>
public sealed class JsonSource
{
    private readonly Dictionary<string, int> _lines;

    private JsonSource(JsonElement root, Dictionary<string, int> lines)
    {
        Root = root;
        _lines = lines;
    }

    public JsonElement Root { get; }

    /// <exception cref="JsonException">Invalid JSON; <see cref="JsonException.LineNumber"/> is 0-based.</exception>
    public static JsonSource Parse(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var document = JsonDocument.Parse(bytes);
        return new JsonSource(document.RootElement.Clone(), PropertyLines(bytes));
    }

    /// <summary>The 1-based line of the property at <paramref name="path"/> (names from the root); null when absent.</summary>
    public int? LineOf(params string[] path) => _lines.TryGetValue(string.Join('\u0000', path), out var line) ? line : null;

    /// <summary>The element at <paramref name="path"/>; null when a part is missing or not an object.</summary>
    public JsonElement? Get(params string[] path)
    {
        var element = Root;
        foreach (var name in path)
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) return null;
        return element;
    }

    private static Dictionary<string, int> PropertyLines(byte[] bytes)
    {
        var lines = new Dictionary<string, int>();
        var path = new List<string>();
        var pendingName = (string?)null;
        var reader = new Utf8JsonReader(bytes);
        var (line, counted) = (1, 0);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    line += bytes.AsSpan(counted, (int)reader.TokenStartIndex - counted).Count((byte)'\n');
                    counted = (int)reader.TokenStartIndex;
                    pendingName = reader.GetString()!;
                    lines.TryAdd(string.Join('\u0000', path.Append(pendingName)), line);
                    continue;
                case JsonTokenType.StartObject or JsonTokenType.StartArray when reader.CurrentDepth > 0:
                    path.Add(pendingName ?? ""); // an array item has no name
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray when reader.CurrentDepth > 0:
                    path.RemoveAt(path.Count - 1);
                    break;
            }
            pendingName = null;
        }
        return lines;
    }
}
