using System.Text.Json;
using QtsOps.Release.Deployment;
using QtsOps.Release.Json;
using QtsOps.Release.Reports;

namespace QtsOps.Release.Environments;

/// <summary>A settings file that cannot be used; each problem names the file, line, JSON path and fix.</summary>
public sealed class SettingsFileException(IReadOnlyList<Finding> problems)
    : Exception(string.Join(Environment.NewLine, problems.Select(p => $"{p.File}{(p.Line is { } line ? $":{line}" : "")}: {p.Message}. Fix: {p.Fix}.")))
{
    public const string Rule = "environments/invalid";

    public IReadOnlyList<Finding> Problems { get; } = problems;

    public SettingsFileException(string file, int? line, string message, string fix) : this([Finding.Error(Rule, file, message, fix, line)]) { }
}

/// <summary>Loads and validates environments.json: every environment, every key, all errors at once.</summary>
public static class EnvironmentCatalog
{
    public const string FileName = "environments.json";

    /// <summary>The environments every run chooses from (--env), each of which environments.json must describe.</summary>
    public static readonly string[] EnvironmentNames = ["local", "staging", "prod"];

    /// <summary>How a Docker engine's address begins: this machine's socket, a TCP engine, or one reached over ssh.</summary>
    public static readonly string[] DockerHostSchemes = ["unix://", "tcp://", "ssh://"];

    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <param name="givenBy">The option that named <paramref name="path"/>; null for the checked-in file.</param>
    public static IReadOnlyDictionary<string, DeploymentEnvironment> Load(string path, IReadOnlyCollection<string> requiredEnvironments, string? givenBy = null)
    {
        if (!File.Exists(path))
            throw new SettingsFileException(path, null, "not found", givenBy is null
                ? $"restore the checked-in file with git checkout -- {FileName} (it holds the settings of {string.Join(", ", requiredEnvironments)})"
                : $"correct the path given by {givenBy} (a relative path is relative to the working directory), or leave it out to use the checked-in {FileName}");
        return Parse(File.ReadAllText(path), path, requiredEnvironments);
    }

    public static IReadOnlyDictionary<string, DeploymentEnvironment> Parse(string json, string file, IReadOnlyCollection<string> requiredEnvironments)
    {
        JsonSource source;
        try
        {
            source = JsonSource.Parse(json, DocumentOptions);
        }
        catch (JsonException exception)
        {
            throw new SettingsFileException(file, (int)(exception.LineNumber ?? 0) + 1, $"not valid JSON: {exception.Message.TrimEnd('.')}", "correct the syntax at that line");
        }

        var reader = new Reader(file, source);
        foreach (var duplicate in source.DuplicateProperties)
            reader.Fail(duplicate.Path, duplicate.Line, $"duplicate key '{duplicate.Name}' (first at line {duplicate.FirstLine})",
                "keep one of them: JSON readers disagree on which one counts");
        var environments = new Dictionary<string, DeploymentEnvironment>(StringComparer.Ordinal);
        if (source.Root.ValueKind != JsonValueKind.Object)
            reader.Fail("$", "must be an object with one entry per environment", $"write {{ \"{string.Join("\": {...}, \"", requiredEnvironments)}\": {{...}} }}");
        else
        {
            foreach (var name in requiredEnvironments)
                if (!source.Root.TryGetProperty(name, out _))
                    reader.Fail("$", $"environment '{name}' is missing", $"add a \"{name}\" entry (copy 'local' and adapt it)");
            foreach (var entry in source.Root.EnumerateObject())
            {
                if (entry.Name.StartsWith('$')) continue; // "$comment" and the like
                if (!requiredEnvironments.Contains(entry.Name))
                {
                    reader.Fail($"$.{entry.Name}", $"unknown environment '{entry.Name}'", $"use one of {string.Join(", ", requiredEnvironments)}");
                    continue;
                }
                if (reader.ReadEnvironment(entry.Name, entry.Value) is { } environment) environments[entry.Name] = environment;
            }
        }
        reader.ThrowIfFailed();
        return environments;
    }

    /// <summary>An environment's path as an absolute path: relative paths are relative to the repository root.</summary>
    public static string Resolve(string repositoryRoot, string path) => Path.GetFullPath(Path.Combine(repositoryRoot, path));

    private sealed class Reader(string file, JsonSource source)
    {
        private readonly List<Finding> _errors = [];
        private readonly HashSet<string> _read = new(StringComparer.Ordinal);

        // A missing key has no line of its own: the error points at the object that lacks it.
        public void Fail(string path, string message, string fix) => Fail(path, source.NearestLineOf(path) ?? 1, message, fix);

        public void Fail(string path, int line, string message, string fix) =>
            _errors.Add(Finding.Error(SettingsFileException.Rule, file, $"{path}: {message}", fix, line));

        public void ThrowIfFailed()
        {
            if (_errors.Count > 0) throw new SettingsFileException(_errors);
        }

        public DeploymentEnvironment? ReadEnvironment(string name, JsonElement element)
        {
            var at = $"$.{name}";
            if (element.ValueKind != JsonValueKind.Object)
            {
                Fail(at, "must be an object of settings", "see the 'local' entry for the keys");
                return null;
            }
            _read.Clear();
            var errorsBefore = _errors.Count;
            var environment = new DeploymentEnvironment
            {
                Name = name,
                Description = Text(element, at, "description"),
                DockerHost = DockerHost(element, at),
                ComposeProject = Text(element, at, "composeProject", NamePattern),
                ContainerName = Text(element, at, "containerName", NamePattern),
                Network = Text(element, at, "network", NamePattern),
                ImageRepository = Text(element, at, "imageRepository", RepositoryPattern),
                Registry = TextOrNull(element, at, "registry", RegistryPattern),
                RegistryTls = Flag(element, at, "registryTls"),
                Bind = Text(element, at, "bind"),
                Port = Number(element, at, "port", 1, 65535),
                HealthUrl = Url(element, at, "healthUrl"),
                DeployDirectory = Text(element, at, "deployDirectory"),
                DataDirectory = Text(element, at, "dataDirectory"),
                LogDirectory = Text(element, at, "logDirectory"),
                ConfigDirectory = Text(element, at, "configDirectory"),
                BackupDirectory = Text(element, at, "backupDirectory"),
                Protected = Flag(element, at, "protected"),
                RequireVerifiedRelease = Flag(element, at, "requireVerifiedRelease"),
                AutomaticRollback = Flag(element, at, "automaticRollback"),
                BootstrapBaseImage = Flag(element, at, "bootstrapBaseImage"),
                Strategy = Strategy(element, at),
                SettleSeconds = Number(element, at, "settleSeconds", 1, 3600),
                HealthIntervalSeconds = Number(element, at, "healthIntervalSeconds", 1, 300),
                HealthTimeoutSeconds = Number(element, at, "healthTimeoutSeconds", 5, 3600),
                BackupsToKeep = Number(element, at, "backupsToKeep", 1, 1000),
                ReleasesToKeep = Number(element, at, "releasesToKeep", 2, 100),
                MinFreeDiskMb = Number(element, at, "minFreeDiskMb", 0, 10_000_000),
                MinMemoryMb = Number(element, at, "minMemoryMb", 0, 10_000_000),
                MaxDiskUsedPercent = Number(element, at, "maxDiskUsedPercent", 1, 100),
                CpuLimit = Decimal(element, at, "cpuLimit", 0.01, 1024),
                MemoryLimitMb = Number(element, at, "memoryLimitMb", 6, 10_000_000),
            };
            foreach (var property in element.EnumerateObject())
                if (!_read.Contains(property.Name) && !property.Name.StartsWith('$'))
                    Fail($"{at}.{property.Name}", $"unknown setting '{property.Name}'", "remove it or correct its spelling (see the 'local' entry)");
            if (_errors.Count == errorsBefore)
            {
                foreach (var overlap in DirectoryLayout.Overlaps(environment))
                    Fail($"{at}.{overlap.Key}", overlap.Message, overlap.Fix);
                foreach (var (key, message, fix) in HostAgreement.Problems(environment))
                    Fail($"{at}.{key}", message, fix);
            }
            return _errors.Count == errorsBefore ? environment : null;
        }

        private const string NamePattern = "^[a-z0-9][a-z0-9_.-]*$";
        private const string RepositoryPattern = "^[a-z0-9]+([._/-][a-z0-9]+)*$";
        private const string RegistryPattern = "^[A-Za-z0-9.-]+(:[0-9]{1,5})?$";

        private JsonElement? Value(JsonElement element, string at, string key, string expected)
        {
            _read.Add(key);
            if (element.TryGetProperty(key, out var value)) return value;
            Fail(at, $"'{key}' is missing", $"add \"{key}\": {expected}");
            return null;
        }

        private string Text(JsonElement element, string at, string key, string? pattern = null)
        {
            if (Value(element, at, key, "\"...\"") is not { } value) return "";
            var path = $"{at}.{key}";
            if (value.ValueKind != JsonValueKind.String || value.GetString()!.Trim().Length == 0)
            {
                Fail(path, $"must be a non-empty string (got {value.GetRawText()})", $"write \"{key}\": \"...\"");
                return "";
            }
            var text = value.GetString()!;
            if (pattern is not null && !System.Text.RegularExpressions.Regex.IsMatch(text, pattern))
                Fail(path, $"'{text}' is not a valid name here (allowed: {pattern})", "use lower-case letters, digits, '.', '_' and '-'");
            return text;
        }

        /// <summary>A text setting that may be null (when given, checked as <see cref="Text"/> does).</summary>
        private string? TextOrNull(JsonElement element, string at, string key, string pattern)
        {
            if (element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Null)
            {
                _read.Add(key);
                return null;
            }
            return Text(element, at, key, pattern);
        }

        private string? DockerHost(JsonElement element, string at)
        {
            if (Value(element, at, "dockerHost", "null") is not { } value || value.ValueKind == JsonValueKind.Null) return null;
            var host = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
            if (!DockerHostSchemes.Any(scheme => host.StartsWith(scheme, StringComparison.Ordinal)))
                Fail($"{at}.dockerHost", $"must be null or a unix://, tcp:// or ssh://user@host address (got {value.GetRawText()})", "write null for this machine's engine, or e.g. \"ssh://deploy@host\"");
            return host;
        }

        private string Url(JsonElement element, string at, string key)
        {
            var text = Text(element, at, key);
            if (text.Length > 0 && !(Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                Fail($"{at}.{key}", $"'{text}' is not an http(s) URL", "write e.g. \"http://127.0.0.1:8000/health\"");
            return text;
        }

        private DeployStrategy Strategy(JsonElement element, string at)
        {
            var expected = string.Join(" or ", DeployStrategies.Names.Select(name => $"\"{name}\""));
            if (Value(element, at, "strategy", expected) is not { } value) return default;
            if (DeployStrategies.Parse(value.ValueKind == JsonValueKind.String ? value.GetString() : null) is { } strategy) return strategy;
            Fail($"{at}.strategy", $"must be {expected} (got {value.GetRawText()})",
                "write \"strategy\": \"start-first\" (the new release serves only once healthy) or \"recreate\" (one container, replaced in place)");
            return default;
        }

        private bool Flag(JsonElement element, string at, string key)
        {
            if (Value(element, at, key, "true or false") is not { } value) return false;
            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
            Fail($"{at}.{key}", $"must be true or false (got {value.GetRawText()})", $"write \"{key}\": true or false, without quotes");
            return false;
        }

        private int Number(JsonElement element, string at, string key, int minimum, int maximum)
        {
            if (Value(element, at, key, $"a whole number from {minimum} to {maximum}") is not { } value) return 0;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= minimum && number <= maximum) return number;
            // A number in quotes ("8000") is the number meant; otherwise the lowest allowed shows the form.
            var meant = value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), out var quoted) && quoted >= minimum && quoted <= maximum ? quoted : minimum;
            Fail($"{at}.{key}", $"must be a whole number from {minimum} to {maximum} (got {value.GetRawText()})", $"write \"{key}\": {meant}, without quotes");
            return 0;
        }

        private double Decimal(JsonElement element, string at, string key, double minimum, double maximum)
        {
            if (Value(element, at, key, $"a number from {minimum} to {maximum}") is not { } value) return 0;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && number >= minimum && number <= maximum) return number;
            Fail($"{at}.{key}", $"must be a number from {minimum} to {maximum} (got {value.GetRawText()})", $"write \"{key}\": 1.0, without quotes");
            return 0;
        }
    }
}
