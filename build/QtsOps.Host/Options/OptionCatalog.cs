using System.Text;

namespace QtsOps.Host.Options;

/// <summary>The declared options of a pipeline: reads them, refuses unknown ones, and documents them.</summary>
public sealed class OptionCatalog
{
    public OptionCatalog(IEnumerable<Option> options)
    {
        Options = [.. options];
        var duplicate = Options.GroupBy(o => o.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"--{duplicate.Key} is declared twice.");
    }

    public IReadOnlyList<Option> Options { get; }

    /// <summary>Reads every option from the arguments (the host's own excepted), else its variable, else its default.</summary>
    /// <exception cref="HostUsageException">An unknown option, a secret on the command line, or a bad value.</exception>
    public OptionValues Read(IReadOnlyList<KeyValuePair<string, string>> arguments, Func<string, string?> variable)
    {
        var declared = Options.ToDictionary(o => o.Name, StringComparer.OrdinalIgnoreCase);
        var unknown = arguments.Select(a => a.Key).Where(name => !declared.ContainsKey(name) && !HostCommandLine.OptionNames.Contains(name)).Distinct().ToList();
        if (unknown.Count > 0) throw new HostUsageException(string.Join(Environment.NewLine, unknown.Select(Unknown)));

        var values = new Dictionary<Option, (object?, string?)>();
        foreach (var option in Options)
        {
            var given = arguments.Where(a => a.Key.Equals(option.Name, StringComparison.OrdinalIgnoreCase)).Select(a => a.Value).ToList();
            if (given.Count > 0 && option.Secret)
                throw new HostUsageException($"--{option.Name} is a secret and is read from {option.Variable} only: a command line is visible to every user of the machine. Set {option.Variable} instead.");
            if (given.Count > 0) values[option] = (option.Parse(given, $"--{option.Name}"), $"--{option.Name}");
            else if (option.Variable is { } name && variable(name) is { Length: > 0 } text) values[option] = (option.Parse([text], name), name);
            else values[option] = (option.DefaultValue, null);
        }
        return new OptionValues(values);
    }

    private string Unknown(string name)
    {
        var closest = Closest(name, Options.Select(o => o.Name).Concat(HostCommandLine.OptionNames).Distinct()).Select(k => $"--{k}").ToList();
        var suggestion = closest.Count > 0 ? $" Did you mean {string.Join(" or ", closest)}?" : "";
        return $"Unknown option --{name}.{suggestion} ./build.sh --help lists every option.";
    }

    /// <summary>Up to three of <paramref name="known"/> a typo of <paramref name="name"/> could have meant, closest first.</summary>
    public static IReadOnlyList<string> Closest(string name, IEnumerable<string> known) => known
        .Select(k => (Name: k, Distance: EditDistance(name.ToLowerInvariant(), k.ToLowerInvariant())))
        .Where(k => k.Distance <= Math.Max(2, name.Length / 3) || k.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase))
        .OrderBy(k => k.Distance).ThenBy(k => k.Name, StringComparer.Ordinal)
        .Take(3).Select(k => k.Name).ToList();

    /// <summary>Levenshtein distance, with a swap of two neighbours counting as one edit (--aprove, --apporve).</summary>
    public static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            var cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }

    /// <summary>The options grouped by the targets that read them, in declaration order.</summary>
    private IEnumerable<(string Heading, List<Option> Options)> Groups() =>
        Options.GroupBy(o => o.Targets.Count == 0 ? "every run" : string.Join(", ", o.Targets))
            .Select(g => (g.Key, g.ToList()));

    /// <summary>The options section of --help.</summary>
    public string ToHelp()
    {
        var text = new StringBuilder();
        var width = Options.Max(o => Usage(o).Length);
        foreach (var (heading, options) in Groups())
        {
            text.AppendLine();
            text.AppendLine($"Options of {heading}:");
            foreach (var option in options)
            {
                var details = option.Secret ? "a secret: from this variable only"
                    : string.Join(", ", new[] { option.Variable is null ? null : $"env {option.Variable}", option.DefaultText is null ? null : $"default {option.DefaultText}" }.OfType<string>());
                text.AppendLine($"  {Usage(option).PadRight(width)}  {option.Help}{(details.Length > 0 ? $" ({details})" : "")}");
            }
        }
        return text.ToString();
    }

    /// <summary>The option table of docs/OPERATIONS.md: generated here, compared by a test, so the two never drift apart.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| option | variable | default | read by | what it does |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var (heading, options) in Groups())
        foreach (var option in options)
        {
            var usage = option.Secret ? "(variable only)" : $"`{Usage(option)}`";
            text.AppendLine($"| {usage.Replace("|", "\\|")} | {(option.Variable is null ? "" : $"`{option.Variable}`")} | {option.DefaultText?.Replace("|", "\\|")} | {heading} | {MarkdownText.Cell(option.Help)} |");
        }
        return text.ToString();
    }

    /// <summary>--name, --name=SYNTAX, or VARIABLE=SYNTAX for a secret (never on the command line).</summary>
    private static string Usage(Option option) =>
        option.Secret ? $"{option.Variable}={option.ValueSyntax}"
        : option.ValueSyntax.Length == 0 ? $"--{option.Name}"
        : $"--{option.Name}={option.ValueSyntax}";
}
