using System.Text;
using System.Text.Json;

namespace QtsOps.Core.Json;

/// <summary>A property named twice in one object: <paramref name="Line"/> is the repeat, <paramref name="FirstLine"/> the first.</summary>
public sealed record JsonDuplicateProperty(string Path, string Name, int Line, int FirstLine);

/// <summary>
/// A JSON document with the line of every value by JSON path ($.local.port, $.items[0].name),
/// which JsonDocument does not keep: the one reader for errors and findings that name a line.
/// </summary>
public sealed class JsonSource
{
    private readonly Dictionary<string, int> _lines;

    private JsonSource(JsonElement root, Dictionary<string, int> lines, IReadOnlyList<JsonDuplicateProperty> duplicates)
    {
        Root = root;
        _lines = lines;
        DuplicateProperties = duplicates;
    }

    public JsonElement Root { get; }

    /// <summary>
    /// Properties named more than once in one object. JSON allows it, but readers disagree on which
    /// value counts (JsonElement takes the last), so a settings file should refuse them.
    /// </summary>
    public IReadOnlyList<JsonDuplicateProperty> DuplicateProperties { get; }

    /// <summary>Strict JSON: no comments, no trailing commas.</summary>
    /// <exception cref="JsonException">Invalid JSON; <see cref="JsonException.LineNumber"/> is 0-based.</exception>
    public static JsonSource Parse(string text) => Parse(text, default);

    /// <exception cref="JsonException">Invalid JSON; <see cref="JsonException.LineNumber"/> is 0-based.</exception>
    public static JsonSource Parse(string text, JsonDocumentOptions options)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var document = JsonDocument.Parse(bytes, options);
        // The document has accepted the text, so the reader below, with the same options, reads it without error.
        var readerOptions = new JsonReaderOptions { CommentHandling = options.CommentHandling, AllowTrailingCommas = options.AllowTrailingCommas, MaxDepth = options.MaxDepth };
        var duplicates = new List<JsonDuplicateProperty>();
        return new JsonSource(document.RootElement.Clone(), ValueLines(bytes, readerOptions, duplicates), duplicates);
    }

    /// <summary>
    /// Reads a JSON file the pipeline wrote back into <typeparamref name="T"/>, strictly: every member that is not
    /// nullable must be there and not null, and every value must be of its type, so a damaged file (<c>{}</c>, a
    /// number where a text belongs) fails here, naming itself, and not later as a null reference.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a <typeparamref name="T"/>: "FILE:LINE: what is wrong (at $.path)".</exception>
    public static T ReadFile<T>(string file, JsonSerializerOptions options) => Read<T>(File.ReadAllText(file), file, options);

    /// <summary><see cref="ReadFile{T}"/> for a file's text read elsewhere (a file on a Docker host); <paramref name="file"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The text is not a <typeparamref name="T"/>: "FILE:LINE: what is wrong (at $.path)".</exception>
    public static T Read<T>(string text, string file, JsonSerializerOptions options)
    {
        var strict = new JsonSerializerOptions(options) { RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };
        try
        {
            return JsonSerializer.Deserialize<T>(text, strict) ?? throw new JsonException("it holds null", "$", 0, null);
        }
        catch (JsonException exception)
        {
            // System.Text.Json appends " Path: $.x | LineNumber: 0 | BytePositionInLine: 5." to its own messages.
            var reason = exception.Message.Split(" Path: ")[0].TrimEnd('.');
            var line = exception.LineNumber is { } zeroBased ? (int)zeroBased + 1 : LineOfPath(text, exception.Path);
            var at = exception.Path is { Length: > 1 } path ? $" (at {path})" : "";
            throw new InvalidDataException($"{file}:{line}: {reason}{at}", exception);
        }
    }

    // Where the serializer gives no line: the line of the path in the document, when it parses.
    private static int LineOfPath(string text, string? path)
    {
        try
        {
            return Parse(text).NearestLineOf(path ?? "$") ?? 1;
        }
        catch (JsonException)
        {
            return 1;
        }
    }

    /// <summary>The 1-based line of the value at <paramref name="path"/> (a property's is where its name is); null when absent.</summary>
    public int? LineOf(string path) => _lines.TryGetValue(path, out var line) ? line : null;

    /// <summary>The 1-based line of the value at <paramref name="path"/>, or of its nearest parent that exists.</summary>
    public int? NearestLineOf(string path)
    {
        for (var candidate = path; candidate.Length > 0; candidate = Parent(candidate))
            if (_lines.TryGetValue(candidate, out var line)) return line;
        return null;
    }

    /// <summary>The element at <paramref name="path"/> (property names from the root); null when a part is missing or not an object.</summary>
    public JsonElement? Get(params string[] path)
    {
        var element = Root;
        foreach (var name in path)
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) return null;
        return element;
    }

    private static Dictionary<string, int> ValueLines(byte[] bytes, JsonReaderOptions options, List<JsonDuplicateProperty> duplicates)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++) if (bytes[i] == (byte)'\n') lineStarts.Add(i + 1);

        var reader = new Utf8JsonReader(bytes, options);
        var path = new Stack<string>();
        var arrayIndexes = new Stack<int>();
        var propertyNames = new Stack<HashSet<string>>(); // of each open object: a name seen twice is a duplicate
        string? pendingProperty = null;
        while (reader.Read())
        {
            var line = LineOf(lineStarts, (int)reader.TokenStartIndex);
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    pendingProperty = reader.GetString()!;
                    var property = path.Peek() + "." + pendingProperty; // a property name is always inside an open object
                    if (!propertyNames.Peek().Add(pendingProperty)) duplicates.Add(new JsonDuplicateProperty(property, pendingProperty, line, lines[property]));
                    lines[property] = line; // the last one: the value JsonElement gives
                    continue;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    var here = Enter(path, arrayIndexes, ref pendingProperty);
                    lines.TryAdd(here, line);
                    path.Push(here);
                    arrayIndexes.Push(reader.TokenType == JsonTokenType.StartArray ? 0 : -1);
                    if (reader.TokenType == JsonTokenType.StartObject) propertyNames.Push(new HashSet<string>(StringComparer.Ordinal));
                    continue;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    if (reader.TokenType == JsonTokenType.EndObject) propertyNames.Pop();
                    path.Pop();
                    arrayIndexes.Pop();
                    continue;
                default:
                    lines.TryAdd(Enter(path, arrayIndexes, ref pendingProperty), line);
                    continue;
            }
        }
        return lines;
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? (path == "$" ? "" : "$") : path[..cut];
    }

    /// <summary>The path of the value starting here: the next index in an array, else the property just named.</summary>
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
