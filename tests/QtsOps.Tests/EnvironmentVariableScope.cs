namespace QtsOps.Tests;

/// <summary>Sets process environment variables for one test and restores them on dispose.</summary>
public sealed class EnvironmentVariableScope : IDisposable
{
    private readonly Dictionary<string, string?> _saved = [];

    /// <summary>null removes the variable for the scope.</summary>
    public EnvironmentVariableScope Set(string name, string? value)
    {
        if (!_saved.ContainsKey(name)) _saved[name] = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
        return this;
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
    }
}
