using Cake.Core.Diagnostics;
using QtsOps.Host.Options;

namespace QtsOps.Host;

/// <summary>Cake Frosting's command line: host options plus free <c>--name=value</c> arguments.</summary>
public sealed class HostCommandLine
{
    public List<string> Targets { get; } = [];
    public Verbosity Verbosity { get; private set; } = Verbosity.Normal;
    public bool DryRun { get; private set; }
    public bool Tree { get; private set; }
    /// <summary>With --tree: the graph as a page (<see cref="CakeHost.UseTreePage"/>) instead of text.</summary>
    public bool Html { get; private set; }
    public bool Description { get; private set; }
    /// <summary>With --description: the targets as the Markdown table README holds (<see cref="TaskGraph.ToMarkdown"/>).</summary>
    public bool Markdown { get; private set; }
    public bool Exclusive { get; private set; }
    public bool Version { get; private set; }
    public bool Info { get; private set; }
    public bool Help { get; private set; }
    public string? WorkingDirectory { get; private set; }

    /// <summary>Every argument, host options included, as tasks see them through <c>Argument(...)</c>.</summary>
    public List<KeyValuePair<string, string>> Arguments { get; } = [];

    private static readonly Dictionary<string, string> ShortNames = new()
    {
        ["t"] = "target", ["v"] = "verbosity", ["e"] = "exclusive", ["w"] = "working", ["h"] = "help",
    };

    private static readonly HashSet<string> Flags = new(StringComparer.OrdinalIgnoreCase)
    {
        "dryrun", "dry-run", "whatif", "tree", "html", "description", "descriptions", "markdown", "exclusive", "version", "info", "help",
    };

    private static readonly HashSet<string> TakesValue = new(StringComparer.OrdinalIgnoreCase)
    {
        "target", "verbosity", "working",
    };

    /// <summary>The host's own options (Cake's), which every run accepts beside the declared ones.</summary>
    public static IReadOnlySet<string> OptionNames { get; } = new HashSet<string>(Flags.Concat(TakesValue), StringComparer.OrdinalIgnoreCase);

    /// <exception cref="HostUsageException">An argument is malformed.</exception>
    public static HostCommandLine Parse(IReadOnlyList<string> args)
    {
        var line = new HostCommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name;
            if (arg.StartsWith("--", StringComparison.Ordinal)) name = arg[2..];
            else if (arg.StartsWith('-') && arg.Length > 1) name = arg[1..];
            else throw new HostUsageException($"Unexpected argument '{arg}'. Arguments take the form --name=value (targets: --target=NAME).");

            string? value = null;
            var equals = name.IndexOf('=');
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            if (ShortNames.TryGetValue(name, out var longName)) name = longName;
            if (name.Length == 0) throw new HostUsageException($"Argument '{arg}' has no name.");

            if (value is null)
            {
                var next = i + 1 < args.Count ? args[i + 1] : null;
                if (TakesValue.Contains(name) || (!Flags.Contains(name) && next is not null && !next.StartsWith('-')))
                {
                    if (next is null || next.StartsWith('-')) throw new HostUsageException($"--{name} needs a value, as in --{name}=VALUE.");
                    value = next;
                    i++;
                }
                else value = "true";
            }
            line.Apply(name.ToLowerInvariant(), value);
        }
        return line;
    }

    private void Apply(string name, string value)
    {
        Arguments.Add(new(name, value));
        switch (name)
        {
            case "target": Targets.Add(value); break;
            case "verbosity": Verbosity = ParseVerbosity(value); break;
            case "dryrun" or "dry-run" or "whatif": DryRun = IsTrue(name, value); break;
            case "tree": Tree = IsTrue(name, value); break;
            case "html": Html = IsTrue(name, value); break;
            case "description" or "descriptions": Description = IsTrue(name, value); break;
            case "markdown": Markdown = IsTrue(name, value); break;
            case "exclusive": Exclusive = IsTrue(name, value); break;
            // A bare --version asks for the host's version; --version=1.2.3 is an argument for a task (release).
            case "version": Version = SwitchOption.ParseSwitch(value) ?? false; break;
            case "info": Info = IsTrue(name, value); break;
            case "help": Help = IsTrue(name, value); break;
            case "working": WorkingDirectory = value; break;
        }
    }

    private static bool IsTrue(string name, string value) =>
        SwitchOption.ParseSwitch(value) ?? throw new HostUsageException($"--{name} is a switch: give it no value, or true/false (got '{value}').");

    private static Verbosity ParseVerbosity(string value) => value.ToLowerInvariant() switch
    {
        "quiet" or "q" => Verbosity.Quiet,
        "minimal" or "m" => Verbosity.Minimal,
        "normal" or "n" => Verbosity.Normal,
        "verbose" or "v" => Verbosity.Verbose,
        "diagnostic" or "d" => Verbosity.Diagnostic,
        _ => throw new HostUsageException($"Unknown verbosity '{value}'. Use quiet, minimal, normal, verbose or diagnostic."),
    };
}

/// <summary>The command line or the task graph is wrong; the message says how to fix it.</summary>
public sealed class HostUsageException(string message) : Exception(message);
