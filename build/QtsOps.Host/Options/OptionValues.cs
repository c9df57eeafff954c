namespace QtsOps.Host.Options;

/// <summary>Every declared option's value for one run, read once before any task runs; immutable.</summary>
public sealed class OptionValues
{
    private readonly IReadOnlyDictionary<Option, (object? Value, string? Origin)> _values;

    internal OptionValues(IReadOnlyDictionary<Option, (object? Value, string? Origin)> values) => _values = values;

    public T Get<T>(Option<T> option) => (T)Entry(option).Value!;

    /// <summary>Where the value came from ("--port" or "QTSOPS_PORT"); null when it is the default.</summary>
    public string? OriginOf(Option option) => Entry(option).Origin;

    public bool IsGiven(Option option) => OriginOf(option) is not null;

    /// <summary>The values of the secret options that were given, for masking wherever output goes.</summary>
    public IEnumerable<string> SecretValues =>
        _values.Where(v => v.Key.Secret && v.Value.Value is string { Length: > 0 }).Select(v => (string)v.Value.Value!);

    private (object? Value, string? Origin) Entry(Option option) =>
        _values.TryGetValue(option, out var entry) ? entry
            : throw new InvalidOperationException($"--{option.Name} is not in the host's option catalog (CakeHost.UseOptions).");
}
