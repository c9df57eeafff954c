using System.Globalization;

namespace QtsOps.Host.Options;

/// <summary>
/// A --name=value option, declared once: its name, environment variable, type, default, allowed
/// values, a one-line help and the targets that read it. <see cref="OptionCatalog"/> reads every
/// declared option before any task runs, and writes --help and the option table of docs/OPERATIONS.md from the same list.
/// </summary>
public abstract class Option(string name, string help)
{
    /// <summary>kebab-case, without the leading --.</summary>
    public string Name { get; } = name;

    public string Help { get; } = help;

    /// <summary>The environment variable read when the option is not on the command line.</summary>
    public string? Variable { get; init; }

    /// <summary>The targets that read it; empty: every run.</summary>
    public IReadOnlyList<string> Targets { get; init; } = [];

    /// <summary>A secret: read from its variable only (a command line is visible to every user in ps), never shown.</summary>
    public bool Secret { get; init; }

    /// <summary>How the value is written in help: NUMBER, a|b|c, TEXT...; empty for a switch.</summary>
    public abstract string ValueSyntax { get; }

    /// <summary>The default as help shows it; null when there is none.</summary>
    public abstract string? DefaultText { get; }

    /// <summary>The typed value of what was given (every occurrence, in order), or the default.</summary>
    /// <param name="origin">Where the values came from, for the error message: "--port" or "QTSOPS_PORT".</param>
    /// <exception cref="HostUsageException">A value of the wrong type or outside the allowed values.</exception>
    internal abstract object? Parse(IReadOnlyList<string> values, string origin);

    internal abstract object? DefaultValue { get; }

    /// <summary>"--port=abc (command line): give a whole number from 1 to 65535."; a secret's value is never shown.</summary>
    private protected HostUsageException Invalid(string origin, string value, string expected)
    {
        var where = origin.StartsWith("--", StringComparison.Ordinal) ? "command line" : "environment variable";
        return new($"{origin}={(Secret ? "(hidden)" : $"'{value}'")} ({where}): {expected}. ./build.sh --help lists the options.");
    }
}

/// <summary>An option whose value has type <typeparamref name="T"/>.</summary>
public abstract class Option<T>(string name, string help) : Option(name, help)
{
    public T Default { get; init; } = default!;

    internal override object? DefaultValue => Default;

    internal override object? Parse(IReadOnlyList<string> values, string origin) => ParseValues(values, origin);

    private protected abstract T ParseValues(IReadOnlyList<string> values, string origin);
}

/// <summary>An option with one value: the last one given wins, as in Cake.</summary>
public abstract class ScalarOption<T>(string name, string help) : Option<T>(name, help)
{
    private protected override T ParseValues(IReadOnlyList<string> values, string origin) => ParseValue(values[^1], origin);

    private protected abstract T ParseValue(string value, string origin);
}

/// <summary>--name alone is true; --name=true|false (also 1|0, yes|no).</summary>
public sealed class SwitchOption(string name, string help) : ScalarOption<bool>(name, help)
{
    public override string ValueSyntax => "";
    public override string? DefaultText => Default ? "true" : null;

    /// <summary>The one reading of a switch's value (host switches, options and variables alike); null when it is none.</summary>
    public static bool? ParseSwitch(string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => null,
    };

    private protected override bool ParseValue(string value, string origin) =>
        ParseSwitch(value) ?? throw Invalid(origin, value, "a switch takes no value, or true/false (1/0, yes/no)");
}

public sealed class TextOption(string name, string help) : ScalarOption<string?>(name, help)
{
    public string Syntax { get; init; } = "TEXT";
    public override string ValueSyntax => Syntax;
    public override string? DefaultText => Default;

    /// <summary>How a value must begin (an address's schemes); empty: anything.</summary>
    public IReadOnlyList<string> Prefixes { get; init; } = [];

    private protected override string? ParseValue(string value, string origin)
    {
        if (value.Length == 0) throw Invalid(origin, value, $"give a value, as in --{Name}={Syntax}");
        if (Prefixes.Count > 0 && !Prefixes.Any(p => value.StartsWith(p, StringComparison.Ordinal)))
            throw Invalid(origin, value, $"{(value.Contains("://") ? $"the scheme {value[..(value.IndexOf("://", StringComparison.Ordinal) + 3)]} is not one" : "it does not start with one")} of {string.Join(", ", Prefixes)}");
        return value;
    }
}

/// <summary>A whole number within bounds; null (or the default) when absent.</summary>
public sealed class IntegerOption(string name, string help, int minimum, int maximum) : ScalarOption<int?>(name, help)
{
    public int Minimum { get; } = minimum;
    public int Maximum { get; } = maximum;
    public override string ValueSyntax => $"{Minimum}..{Maximum}";
    public override string? DefaultText => Default?.ToString(CultureInfo.InvariantCulture);

    private protected override int? ParseValue(string value, string origin) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= Minimum && number <= Maximum
            ? number
            : throw Invalid(origin, value, $"give a whole number from {Minimum} to {Maximum}");
}

/// <summary>One of a fixed set of values (case-sensitive, as written in the set).</summary>
public sealed class ChoiceOption(string name, string help, params string[] allowed) : ScalarOption<string?>(name, help)
{
    public IReadOnlyList<string> Allowed { get; } = allowed;
    public override string ValueSyntax => string.Join('|', Allowed);
    public override string? DefaultText => Default;

    private protected override string? ParseValue(string value, string origin) =>
        Allowed.Contains(value, StringComparer.Ordinal) ? value : throw Invalid(origin, value, $"use one of {string.Join(", ", Allowed)}");
}

/// <summary>
/// Several values: the option given several times (--var-file=a --var-file=b), or a comma-separated
/// list (also in its variable). Each value is checked by <see cref="Allowed"/> when that is set.
/// </summary>
public sealed class ListOption : Option<IReadOnlyList<string>>
{
    public ListOption(string name, string help) : base(name, help) => Default = [];

    public string Syntax { get; init; } = "TEXT";
    public bool CommaSeparated { get; init; }
    public IReadOnlyList<string>? Allowed { get; init; }
    public override string ValueSyntax => CommaSeparated ? $"{Syntax},..." : $"{Syntax} (repeatable)";
    public override string? DefaultText => null;

    private protected override IReadOnlyList<string> ParseValues(IReadOnlyList<string> values, string origin)
    {
        var items = CommaSeparated
            ? values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList()
            : [.. values];
        foreach (var item in items)
        {
            if (item.Length == 0) throw Invalid(origin, item, $"give a value, as in --{Name}={Syntax}");
            if (Allowed is not null && !Allowed.Contains(item, StringComparer.Ordinal))
                throw Invalid(origin, item, $"each value must be one of {string.Join(", ", Allowed)}");
        }
        return items;
    }
}
