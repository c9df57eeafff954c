using System.Text;
using System.Text.Json;

namespace QtsOps.Release.Environments;

/// <summary>The line of each value in a JSON text, by JSON path ($.local.port), for errors that name a line.</summary>
public sealed class JsonLineMap
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    public JsonLineMap(string json, JsonReaderOptions options)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++) if (bytes[i] == (byte)'\n') lineStarts.Add(i + 1);

        var reader = new Utf8JsonReader(bytes, options);
        var path = new Stack<string>();
        var arrayIndexes = new Stack<int>();
        string? pendingProperty = null;
        while (reader.Read())
        {
            var line = LineOf(lineStarts, (int)reader.TokenStartIndex);
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    pendingProperty = reader.GetString();
                    _lines[Current(path) + "." + pendingProperty] = line;
                    continue;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    var here = Enter(path, arrayIndexes, ref pendingProperty);
                    _lines.TryAdd(here, line);
                    path.Push(here);
                    if (reader.TokenType == JsonTokenType.StartArray) arrayIndexes.Push(0);
                    else arrayIndexes.Push(-1);
                    continue;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    path.Pop();
                    arrayIndexes.Pop();
                    continue;
                default:
                    _lines.TryAdd(Enter(path, arrayIndexes, ref pendingProperty), line);
                    continue;
            }
        }
    }

    /// <summary>The 1-based line of the value at <paramref name="path"/>, or of its nearest parent that exists.</summary>
    public int? LineOf(string path)
    {
        for (var candidate = path; candidate.Length > 0; candidate = Parent(candidate))
            if (_lines.TryGetValue(candidate, out var line)) return line;
        return null;
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? (path == "$" ? "" : "$") : path[..cut];
    }

    private static string Current(Stack<string> path) => path.Count == 0 ? "$" : path.Peek();

    private static string Enter(Stack<string> path, Stack<int> arrayIndexes, ref string? pendingProperty)
    {
        if (path.Count == 0) return "$";
        string here;
        if (arrayIndexes.Peek() >= 0)
        {
            var index = arrayIndexes.Pop();
            arrayIndexes.Push(index + 1);
            here = $"{path.Peek()}[{index}]";
        }
        else here = $"{path.Peek()}.{pendingProperty}";
        pendingProperty = null;
        return here;
    }

    private static int LineOf(List<int> lineStarts, int offset)
    {
        var index = lineStarts.BinarySearch(offset);
        return (index >= 0 ? index : ~index - 1) + 1;
    }
}
