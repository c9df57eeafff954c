using System.Text.Json;
using QtsOps.Core.Deployment;
using QtsOps.Core.Fleet;
using QtsOps.Core.Json;
using QtsOps.Core.Reports;
using QtsOps.Core.Swarm;

namespace QtsOps.Core.Environments;

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

    /// <summary>How an environment may be named: the name becomes part of paths, reports and Terraform's root module.</summary>
    public const string EnvironmentNamePattern = "^[a-z][a-z0-9-]*$";

    /// <summary>How a Docker engine's address begins: this machine's socket, a TCP engine, or one reached over ssh.</summary>
    public static readonly string[] DockerHostSchemes = ["unix://", "tcp://", "ssh://"];

    /// <summary>The block whose keys every environment inherits unless it sets its own (as Kamal's destinations layer over its base config).</summary>
    public const string DefaultsName = "defaults";

    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The environments: one per entry the file declares, in its order.</summary>
    /// <param name="givenBy">The option that named <paramref name="path"/>; null for the checked-in file.</param>
    public static IReadOnlyDictionary<string, DeploymentEnvironment> Load(string path, string? givenBy = null) => Parse(ReadFile(path, givenBy), path);

    /// <summary>The names of the environments a file declares, in its order, without reading their settings (--env and --help need no more).</summary>
    public static IReadOnlyList<string> DeclaredNames(string path, string? givenBy = null)
    {
        var source = ParseSource(ReadFile(path, givenBy), path);
        List<string> names = source.Root.ValueKind == JsonValueKind.Object ? [.. EnvironmentEntries(source.Root).Select(entry => entry.Name)] : [];
        return names.Count > 0 ? names : throw new SettingsFileException(path, 1, $"$: {NoEnvironment}", NoEnvironmentFix);
    }

    private const string NoEnvironment = "declares no environment";
    private const string NoEnvironmentFix = $"add an entry per environment beside \"{DefaultsName}\", e.g. \"local\": {{ ... }}";

    private static string ReadFile(string path, string? givenBy)
    {
        if (!File.Exists(path))
            throw new SettingsFileException(path, null, "not found", givenBy is null
                ? $"restore the checked-in file with git checkout -- {FileName} (it declares the environments)"
                : $"correct the path given by {givenBy} (a relative path is relative to the working directory), or leave it out to use the checked-in {FileName}");
        return File.ReadAllText(path);
    }

    private static JsonSource ParseSource(string json, string file)
    {
        try
        {
            return JsonSource.Parse(json, DocumentOptions);
        }
        catch (JsonException exception)
        {
            throw new SettingsFileException(file, (int)(exception.LineNumber ?? 0) + 1, $"not valid JSON: {exception.Message.TrimEnd('.')}", "correct the syntax at that line");
        }
    }

    /// <summary>The entries that are environments: all but <see cref="DefaultsName"/> and "$comment" and the like.</summary>
    private static IEnumerable<JsonProperty> EnvironmentEntries(JsonElement root) =>
        root.EnumerateObject().Where(entry => !entry.Name.StartsWith('$') && entry.Name != DefaultsName);

    public static IReadOnlyDictionary<string, DeploymentEnvironment> Parse(string json, string file)
    {
        var source = ParseSource(json, file);
        var reader = new Reader(file, source);
        foreach (var duplicate in source.DuplicateProperties)
            reader.Fail(duplicate.Path, duplicate.Line, $"duplicate key '{duplicate.Name}' (first at line {duplicate.FirstLine})",
                "keep one of them: JSON readers disagree on which one counts");
        var environments = new Dictionary<string, DeploymentEnvironment>(StringComparer.Ordinal);
        if (source.Root.ValueKind != JsonValueKind.Object)
            reader.Fail("$", "must be an object with one entry per environment", "write { \"local\": {...}, \"NAME\": {...} }, an entry per environment");
        else
        {
            if (!EnvironmentEntries(source.Root).Any())
                reader.Fail("$", NoEnvironment, NoEnvironmentFix);
            var defaults = reader.ReadDefaults(source.Root);
            foreach (var entry in EnvironmentEntries(source.Root))
            {
                if (!System.Text.RegularExpressions.Regex.IsMatch(entry.Name, EnvironmentNamePattern))
                {
                    reader.Fail($"$.{entry.Name}", $"'{entry.Name}' is not a valid environment name (allowed: {EnvironmentNamePattern})",
                        "rename it with lower-case letters, digits and '-', beginning with a letter (e.g. \"eu-prod\")");
                    continue;
                }
                if (reader.ReadEnvironment(entry.Name, entry.Value, defaults) is { } environment) environments[entry.Name] = environment;
            }
            reader.CheckDefaultsKeys(defaults);
        }
        reader.ThrowIfFailed();
        return environments;
    }

    /// <summary>An environment's path as an absolute path: relative paths are relative to the repository root.</summary>
    public static string Resolve(string repositoryRoot, string path) => Path.GetFullPath(Path.Combine(repositoryRoot, path));

    private sealed class Reader(string file, JsonSource source)
    {
        /// <summary>One problem; one in <see cref="DefaultsName"/> is reported once, with the environments that inherit it.</summary>
        private sealed record Problem(string Path, int Line, string Message, string Fix)
        {
            public List<string> Inheritors { get; } = [];

            public Finding ToFinding(string file) => Finding.Error(SettingsFileException.Rule, file, Inheritors.Count == 0
                ? $"{Path}: {Message}"
                : $"{Path}: {Message} (inherited by {string.Join(", ", Inheritors)})", Fix, Line);
        }

        private const string DefaultsPath = $"$.{DefaultsName}";
        private const string UnknownSettingFix = "remove it or correct its spelling (see the 'local' entry)";

        private readonly List<Problem> _problems = [];
        private readonly HashSet<string> _read = new(StringComparer.Ordinal);
        private readonly HashSet<string> _known = new(StringComparer.Ordinal);
        private readonly HashSet<string> _inherited = new(StringComparer.Ordinal);
        private string _name = "";
        private JsonElement _element;
        private JsonElement? _defaults;
        /// <summary>The host being read (null: the environment itself), at <see cref="_hostPath"/>.</summary>
        private JsonElement? _host;
        private string _hostPath = "";
        private readonly HashSet<string> _fromHost = new(StringComparer.Ordinal);
        private int _failures;

        private string At => $"$.{_name}";

        // A missing key has no line of its own: the error points at the object that lacks it.
        public void Fail(string path, string message, string fix) => Fail(path, source.NearestLineOf(path) ?? 1, message, fix);

        public void Fail(string path, int line, string message, string fix)
        {
            _failures++;
            var inherited = _name.Length > 0 && path.StartsWith(DefaultsPath + ".", StringComparison.Ordinal);
            // Each host's read repeats its environment's keys: a problem with one of them is still one problem.
            var problem = _problems.FirstOrDefault(p => p.Path == path && p.Message == message);
            if (problem is null) _problems.Add(problem = new Problem(path, line, message, fix));
            if (inherited && !problem.Inheritors.Contains(_name)) problem.Inheritors.Add(_name);
        }

        public void ThrowIfFailed()
        {
            if (_problems.Count > 0) throw new SettingsFileException([.. _problems.Select(p => p.ToFinding(file))]);
        }

        /// <summary>The defaults block, or null when the file has none (each environment then states every key).</summary>
        public JsonElement? ReadDefaults(JsonElement root)
        {
            if (!root.TryGetProperty(DefaultsName, out var defaults)) return null;
            if (defaults.ValueKind == JsonValueKind.Object) return defaults;
            Fail(DefaultsPath, $"must be an object of settings (got {defaults.ValueKind.ToString().ToLowerInvariant()})",
                $"write \"{DefaultsName}\": {{ \"port\": 8000, ... }} with the settings the environments share");
            return null;
        }

        /// <summary>A key in defaults that no environment knows is a misspelling, as it would be in an environment.</summary>
        public void CheckDefaultsKeys(JsonElement? defaults)
        {
            if (defaults is not { } block || _known.Count == 0) return;
            _name = "";
            foreach (var property in block.EnumerateObject())
                if (_known.Contains(property.Name) || property.Name.StartsWith('$')) continue;
                else if (EngineKeys.All.Contains(property.Name))
                    Fail($"{DefaultsPath}.{property.Name}", $"'{property.Name}' is read by no environment: it means something on one engine only, and no environment here runs on that engine",
                        $"remove it, or set \"{EngineKeys.Engine}\" on the environments it is for");
                else Fail($"{DefaultsPath}.{property.Name}", $"unknown setting '{property.Name}'", UnknownSettingFix);
        }

        public DeploymentEnvironment? ReadEnvironment(string name, JsonElement element, JsonElement? defaults)
        {
            (_name, _element, _defaults, _host) = (name, element, defaults, null);
            if (element.ValueKind != JsonValueKind.Object)
            {
                Fail(At, "must be an object of settings", "see the 'local' entry for the keys");
                return null;
            }
            return element.TryGetProperty(FleetKeys.Hosts, out var hosts) ? ReadHosts(hosts) : ReadSettings();
        }

        /// <summary>An environment of several hosts: each host read as a whole environment, its own keys over the environment's.</summary>
        private DeploymentEnvironment? ReadHosts(JsonElement hosts)
        {
            var failuresBefore = _failures;
            var hostsPath = $"{At}.{FleetKeys.Hosts}";
            if (Engine() == DeploymentEngine.Swarm)
            {
                Fail(hostsPath, $"'{FleetKeys.Hosts}' is for environments on compose: a swarm places its tasks on its nodes itself",
                    "remove \"hosts\" and give the swarm's manager as \"dockerHost\" (with \"placement\" to choose nodes), or leave \"engine\" out to run compose on each host");
                return null;
            }
            if (_element.TryGetProperty("dockerHost", out _))
                Fail($"{At}.dockerHost", $"'dockerHost' and '{FleetKeys.Hosts}' exclude each other: the environment runs on the hosts it lists",
                    $"remove \"dockerHost\", or remove \"{FleetKeys.Hosts}\" to run on that one engine");
            if (hosts.ValueKind != JsonValueKind.Array || hosts.GetArrayLength() == 0)
            {
                Fail(hostsPath, $"must be a list of at least one host (got {hosts.GetRawText()})", $"write \"{FleetKeys.Hosts}\": [{FleetKeys.Example}]");
                return null;
            }
            var read = new List<EnvironmentHost>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var element in hosts.EnumerateArray())
            {
                _hostPath = $"{hostsPath}[{index++}]";
                if (element.ValueKind != JsonValueKind.Object)
                {
                    Fail(_hostPath, $"must be an object (got {element.GetRawText()})", $"write each host as {FleetKeys.Example}");
                    continue;
                }
                var hostName = HostName(element, names);
                var labels = HostLabels(element);
                foreach (var property in element.EnumerateObject().Where(p => !FleetKeys.OnHost.Contains(p.Name) && !p.Name.StartsWith('$')))
                    Fail($"{_hostPath}.{property.Name}", FleetKeys.WhyNotOnHost(property.Name), $"remove it from the host (keys a host may set: {string.Join(", ", FleetKeys.OnHost)})");
                _host = element;
                var environment = ReadSettings();
                _host = null;
                if (environment is not null && hostName is not null) read.Add(new EnvironmentHost(hostName, labels, environment));
            }
            foreach (var repeat in read.GroupBy(h => h.Environment.DockerHost).Where(g => g.Count() > 1))
                Fail(hostsPath, $"hosts {string.Join(", ", repeat.Select(h => $"'{h.Name}'"))} share the engine {repeat.Key}: their containers, network and project would be the same ones",
                    "give each host its own \"dockerHost\" (one entry per Docker engine)");
            return _failures == failuresBefore ? read[0].Environment with { Hosts = read } : null;
        }

        private string? HostName(JsonElement host, HashSet<string> seen)
        {
            if (!host.TryGetProperty("name", out var value))
            {
                Fail(_hostPath, "'name' is missing", $"add \"name\": \"east\" (unique in the environment, {EnvironmentNamePattern})");
                return null;
            }
            var name = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, EnvironmentNamePattern))
                Fail($"{_hostPath}.name", $"{value.GetRawText()} is not a valid host name (allowed: {EnvironmentNamePattern})", "use lower-case letters, digits and '-', beginning with a letter (e.g. \"east\")");
            else if (!seen.Add(name))
                Fail($"{_hostPath}.name", $"'{name}' names another host of '{_name}' too", "give each host its own name: --hosts and the reports tell them apart by it");
            else return name;
            return null;
        }

        private IReadOnlyList<string> HostLabels(JsonElement host)
        {
            if (!host.TryGetProperty("labels", out var value)) return [];
            var fix = "write \"labels\": [\"eu\", \"exchange-a\"], each lower-case letters, digits and '-'";
            if (value.ValueKind != JsonValueKind.Array)
            {
                Fail($"{_hostPath}.labels", $"must be a list of labels (got {value.GetRawText()})", fix);
                return [];
            }
            var labels = new List<string>();
            foreach (var item in value.EnumerateArray())
                if (item.ValueKind == JsonValueKind.String && System.Text.RegularExpressions.Regex.IsMatch(item.GetString()!, EnvironmentNamePattern)) labels.Add(item.GetString()!);
                else Fail($"{_hostPath}.labels", $"{item.GetRawText()} is not a valid label (allowed: {EnvironmentNamePattern})", fix);
            return labels;
        }

        /// <summary>The environment's settings, or with <see cref="_host"/> set that host's: its own keys over the environment's.</summary>
        private DeploymentEnvironment? ReadSettings()
        {
            _read.Clear();
            _inherited.Clear();
            _fromHost.Clear();
            var failuresBefore = _failures;
            // An engine that is no engine is the one error: the keys of either engine are not judged against it.
            var knownEngine = Engine();
            var engine = knownEngine ?? DeploymentEngine.Compose;
            var swarm = engine == DeploymentEngine.Swarm ? SwarmSettings() : null;
            var composeProject = Text("composeProject", NamePattern);
            var environment = new DeploymentEnvironment
            {
                Name = _name,
                Description = Text("description"),
                DockerHost = DockerHost(),
                Engine = engine,
                Swarm = swarm,
                ComposeProject = composeProject,
                ContainerName = swarm is null ? Text("containerName", NamePattern) : SwarmStack.ServiceName(composeProject),
                Network = Text("network", NamePattern),
                ImageRepository = Text("imageRepository", RepositoryPattern),
                Registry = TextOrNull("registry", RegistryPattern),
                RegistryTls = Flag("registryTls"),
                Bind = swarm is null ? Text("bind") : SwarmStack.PublishedOnEveryAddress,
                Port = Number("port", 1, 65535),
                HealthUrl = Url("healthUrl"),
                DeployDirectory = Text("deployDirectory"),
                DataDirectory = Text("dataDirectory"),
                LogDirectory = Text("logDirectory"),
                ConfigDirectory = Text("configDirectory"),
                BackupDirectory = Text("backupDirectory"),
                Protected = Flag("protected"),
                RequireVerifiedRelease = Flag("requireVerifiedRelease"),
                AutomaticRollback = Flag("automaticRollback"),
                BootstrapBaseImage = Flag("bootstrapBaseImage"),
                Strategy = swarm is null ? Strategy() : Swarm.SwarmSettings.StrategyOf(swarm.UpdateOrder),
                SettleSeconds = Number("settleSeconds", 1, 3600),
                HealthIntervalSeconds = Number("healthIntervalSeconds", 1, 300),
                HealthTimeoutSeconds = Number("healthTimeoutSeconds", 5, 3600),
                BackupsToKeep = Number("backupsToKeep", 1, 1000),
                ReleasesToKeep = Number("releasesToKeep", 2, 100),
                MinFreeDiskMb = Number("minFreeDiskMb", 0, 10_000_000),
                MinMemoryMb = Number("minMemoryMb", 0, 10_000_000),
                MaxDiskUsedPercent = Number("maxDiskUsedPercent", 1, 100),
                CpuLimit = Decimal("cpuLimit", 0.01, 1024),
                MemoryLimitMb = Number("memoryLimitMb", 6, 10_000_000),
                Rollout = Rollout(),
                Canary = swarm is null ? Canary() : null,
            };
            if (environment.Strategy == DeployStrategy.Canary && environment.Canary is null && Lookup(CanarySettings.Key) is null)
                Fail(PathOf("strategy"), $"\"strategy\": \"canary\" needs a \"{CanarySettings.Key}\" object: the share of requests, the window and the thresholds",
                    $"add \"{CanarySettings.Key}\": {CanarySettings.Example} beside it, or write \"strategy\": \"start-first\"");
            _known.UnionWith(_read);
            foreach (var property in _element.EnumerateObject())
                if (EngineKeys.Refusal(property.Name, engine) is { } refusal)
                {
                    if (knownEngine is not null) Fail($"{At}.{property.Name}", refusal.Message, refusal.Fix);
                }
                else if (!_read.Contains(property.Name) && !property.Name.StartsWith('$') && property.Name != FleetKeys.Hosts)
                    Fail($"{At}.{property.Name}", $"unknown setting '{property.Name}'", UnknownSettingFix);
            if (_failures == failuresBefore)
            {
                if (swarm is not null && swarm.MonitorSeconds >= environment.HealthTimeoutSeconds)
                    Fail(PathOf("monitorSeconds"), $"{swarm.MonitorSeconds} s is not below \"healthTimeoutSeconds\": {environment.HealthTimeoutSeconds}: the engine watches each updated task that long before the update completes, so the deploy's wait would always run out",
                        $"lower \"monitorSeconds\" or raise \"healthTimeoutSeconds\" above it (e.g. \"healthTimeoutSeconds\": {Math.Min(3600, swarm.MonitorSeconds * 2 + 30)})");
                foreach (var overlap in DirectoryLayout.Overlaps(environment))
                    Fail(PathOf(overlap.Key), overlap.Message, overlap.Fix);
                foreach (var (key, message, fix) in HostAgreement.Problems(environment))
                    Fail(PathOf(key), message, fix);
            }
            return _failures == failuresBefore ? environment : null;
        }

        private const string NamePattern = "^[a-z0-9][a-z0-9_.-]*$";
        private const string RepositoryPattern = "^[a-z0-9]+([._/-][a-z0-9]+)*$";
        private const string RegistryPattern = "^[A-Za-z0-9.-]+(:[0-9]{1,5})?$";

        /// <summary>Where the environment's value of a key is written: its own entry, else the defaults block.</summary>
        private string PathOf(string key) => _fromHost.Contains(key) ? $"{_hostPath}.{key}" : _inherited.Contains(key) ? $"{DefaultsPath}.{key}" : $"{At}.{key}";

        /// <summary>The environment's own value of a key, else the defaults'; null when neither has it.</summary>
        private JsonElement? Lookup(string key)
        {
            _read.Add(key);
            if (_host is { } host && FleetKeys.PerHost.Contains(key) && host.TryGetProperty(key, out var onHost))
            {
                _fromHost.Add(key);
                return onHost;
            }
            if (_element.TryGetProperty(key, out var own)) return own;
            if (_defaults is { } defaults && defaults.TryGetProperty(key, out var inherited))
            {
                _inherited.Add(key);
                return inherited;
            }
            return null;
        }

        private JsonElement? Value(string key, string expected)
        {
            if (Lookup(key) is { } value) return value;
            if (_defaults is null) Fail(At, $"'{key}' is missing", $"add \"{key}\": {expected}");
            else Fail(At, $"'{key}' is missing: set neither in '{_name}' nor in \"{DefaultsName}\"",
                $"add \"{key}\": {expected} to \"{DefaultsName}\" (for every environment) or to '{_name}'");
            return null;
        }

        private string Text(string key, string? pattern = null)
        {
            if (Value(key, "\"...\"") is not { } value) return "";
            if (value.ValueKind != JsonValueKind.String || value.GetString()!.Trim().Length == 0)
            {
                Fail(PathOf(key), $"must be a non-empty string (got {value.GetRawText()})", $"write \"{key}\": \"...\"");
                return "";
            }
            var text = value.GetString()!;
            if (pattern is not null && !System.Text.RegularExpressions.Regex.IsMatch(text, pattern))
                Fail(PathOf(key), $"'{text}' is not a valid name here (allowed: {pattern})", "use lower-case letters, digits, '.', '_' and '-'");
            return text;
        }

        /// <summary>A text setting that may be null (when given, checked as <see cref="Text"/> does).</summary>
        private string? TextOrNull(string key, string pattern) =>
            Lookup(key) is { ValueKind: JsonValueKind.Null } ? null : Text(key, pattern);

        private string? DockerHost()
        {
            if (_host is { } hostElement) return HostDockerHost(hostElement);
            if (Value("dockerHost", "null") is not { } value || value.ValueKind == JsonValueKind.Null) return null;
            var host = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
            if (!DockerHostSchemes.Any(scheme => host.StartsWith(scheme, StringComparison.Ordinal)))
                Fail(PathOf("dockerHost"), $"must be null or a unix://, tcp:// or ssh://user@host address (got {value.GetRawText()})", "write null for this machine's engine, or e.g. \"ssh://deploy@host\"");
            return host;
        }

        /// <summary>A host's own engine, which it must name: over ssh, or a socket on this machine.</summary>
        private string? HostDockerHost(JsonElement host)
        {
            _read.Add("dockerHost");
            const string Fix = "write e.g. \"dockerHost\": \"ssh://qtsops@east\" (or a unix:// socket on this machine)";
            if (!host.TryGetProperty("dockerHost", out var value))
            {
                Fail(_hostPath, "'dockerHost' is missing: each host names its Docker engine", Fix);
                return null;
            }
            var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
            if (FleetKeys.HostSchemes.Any(scheme => text.StartsWith(scheme, StringComparison.Ordinal) && text.Length > scheme.Length)) return text;
            Fail($"{_hostPath}.dockerHost", $"must be an ssh:// or unix:// address (got {value.GetRawText()})", Fix);
            return null;
        }

        private string Url(string key)
        {
            var text = Text(key);
            if (text.Length > 0 && !(Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                Fail(PathOf(key), $"'{text}' is not an http(s) URL", "write e.g. \"http://127.0.0.1:8000/health\"");
            return text;
        }

        private DeployStrategy Strategy()
        {
            var expected = string.Join(" or ", DeployStrategies.Names.Select(name => $"\"{name}\""));
            if (Value("strategy", expected) is not { } value) return default;
            if (DeployStrategies.Parse(value.ValueKind == JsonValueKind.String ? value.GetString() : null) is { } strategy) return strategy;
            Fail(PathOf("strategy"), $"must be {expected} (got {value.GetRawText()})",
                "write \"strategy\": \"start-first\" (the new release serves only once healthy), \"recreate\" (one container, replaced in place) or \"canary\" (a share of requests first, with \"canary\" settings)");
            return default;
        }

        /// <summary>The environment's engine; null when it names none (reported).</summary>
        private DeploymentEngine? Engine()
        {
            var expected = string.Join(" or ", EngineKeys.EngineNames.Select(name => $"\"{name}\""));
            if (Lookup(EngineKeys.Engine) is not { } value) return DeploymentEngine.Compose;
            if (EngineKeys.Parse(value.ValueKind == JsonValueKind.String ? value.GetString() : null) is { } engine) return engine;
            Fail(PathOf(EngineKeys.Engine), $"must be {expected} (got {value.GetRawText()})",
                "write \"engine\": \"compose\" (one Docker engine, the default) or \"swarm\" (a Docker Swarm cluster, dockerHost a manager)");
            return null;
        }

        /// <summary>The swarm keys: mode and replicas, placement and the rollout.</summary>
        private SwarmSettings SwarmSettings()
        {
            var global = Lookup("mode") switch
            {
                null => false,
                { ValueKind: JsonValueKind.String } mode when mode.GetString() is "replicated" or "global" => mode.GetString() == "global",
                var mode => Refused("mode", $"must be \"replicated\" or \"global\" (got {mode.Value.GetRawText()})",
                    "write \"mode\": \"replicated\" (with \"replicas\") or \"global\" (one task on every node the placement allows)"),
            };
            int? replicas = null;
            if (!global) replicas = Number("replicas", 1, 100);
            else if (Lookup("replicas") is not null)
                Fail(PathOf("replicas"), "means nothing with \"mode\": \"global\", which runs one task on every node the placement allows",
                    "remove \"replicas\", or write \"mode\": \"replicated\" to run that many tasks");
            return new SwarmSettings
            {
                Replicas = replicas,
                Placement = Placement(),
                UpdateParallelism = Number("updateParallelism", 1, 100),
                UpdateDelaySeconds = Number("updateDelaySeconds", 0, 3600),
                MonitorSeconds = Number("monitorSeconds", 1, 3600),
                UpdateOrder = UpdateOrder(),
            };
        }

        /// <summary>How an environment of several hosts rolls out (one host at a time unless it says); null for one engine.</summary>
        private RolloutSettings? Rollout()
        {
            const string Key = RolloutSettings.Key;
            if (!_element.TryGetProperty(FleetKeys.Hosts, out _))
            {
                // One in defaults is for the environments with hosts; one of an environment's own means nothing there.
                if (_element.TryGetProperty(Key, out _) && _read.Add(Key))
                    Fail($"{At}.{Key}", $"'{Key}' means something only for an environment that lists \"{FleetKeys.Hosts}\"", $"remove it, or list the environment's hosts in \"{FleetKeys.Hosts}\"");
                return null;
            }
            const string Fix = "write \"rollout\": {\"groupSize\": 1, \"waitSeconds\": 0}, groupSize a number of hosts or a percentage of them such as \"34%\"";
            if (Lookup(Key) is not { } value) return RolloutSettings.OneAtATime;
            if (value.ValueKind != JsonValueKind.Object)
            {
                Fail(PathOf(Key), $"must be an object (got {value.GetRawText()})", Fix);
                return RolloutSettings.OneAtATime;
            }
            var rollout = RolloutSettings.OneAtATime;
            foreach (var property in value.EnumerateObject())
            {
                var path = $"{PathOf(Key)}.{property.Name}";
                var given = property.Value;
                if (property.Name == "groupSize" && given.ValueKind == JsonValueKind.Number && given.TryGetInt32(out var count) && count >= 1)
                    rollout = rollout with { GroupCount = count, GroupPercent = null };
                else if (property.Name == "groupSize" && given.ValueKind == JsonValueKind.String && System.Text.RegularExpressions.Regex.IsMatch(given.GetString()!, "^(100|[1-9][0-9]?)%$"))
                    rollout = rollout with { GroupCount = null, GroupPercent = int.Parse(given.GetString()!.TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture) };
                else if (property.Name == "groupSize")
                    Fail(path, $"must be a whole number of hosts from 1, or a percentage from \"1%\" to \"100%\" (got {given.GetRawText()})", Fix);
                else if (property.Name == "waitSeconds" && given.ValueKind == JsonValueKind.Number && given.TryGetInt32(out var seconds) && seconds is >= 0 and <= 3600)
                    rollout = rollout with { WaitSeconds = seconds };
                else if (property.Name == "waitSeconds")
                    Fail(path, $"must be a whole number from 0 to 3600 (got {given.GetRawText()})", "write \"waitSeconds\": 0, without quotes");
                else if (!property.Name.StartsWith('$'))
                    Fail(path, $"unknown setting '{property.Name}'", Fix);
            }
            return rollout;
        }

        /// <summary>The canary's share, window and thresholds; null when the environment sets none.</summary>
        private CanarySettings? Canary()
        {
            const string Key = CanarySettings.Key;
            const string Fix = $"write \"{Key}\": {CanarySettings.Example}";
            if (Lookup(Key) is not { } value) return null;
            if (value.ValueKind != JsonValueKind.Object)
            {
                Fail(PathOf(Key), $"must be an object (got {value.GetRawText()})", Fix);
                return null;
            }
            double Field(string name, double minimum, double maximum, bool whole)
            {
                var range = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(whole ? "a whole number" : "a number")} from {minimum} to {maximum}");
                if (!value.TryGetProperty(name, out var field))
                {
                    Fail(PathOf(Key), $"'{name}' is missing from \"{Key}\"", $"add \"{name}\": {range} ({Fix})");
                    return 0;
                }
                if (field.ValueKind == JsonValueKind.Number && field.TryGetDouble(out var number) && number >= minimum && number <= maximum && (!whole || number == Math.Floor(number))) return number;
                Fail($"{PathOf(Key)}.{name}", $"must be {range} (got {field.GetRawText()})", $"write \"{name}\": {range}, without quotes");
                return 0;
            }
            var canary = new CanarySettings((int)Field("percent", 1, 99, true), (int)Field("seconds", 1, 3600, true),
                Field("maxErrorRate", 0, 1, false), Field("maxLatencyRatio", 1, 100, false), (int)Field("minRequests", 1, 1_000_000, true));
            foreach (var property in value.EnumerateObject().Where(p => !p.Name.StartsWith('$') && !CanaryKeys.Contains(p.Name)))
                Fail($"{PathOf(Key)}.{property.Name}", $"unknown setting '{property.Name}'", Fix);
            // One with a wrong key fails its environment's read, which then returns no environment.
            return canary;
        }

        private static readonly string[] CanaryKeys = ["percent", "seconds", "maxErrorRate", "maxLatencyRatio", "minRequests"];

        private bool Refused(string key, string message, string fix)
        {
            Fail(PathOf(key), message, fix);
            return false;
        }

        private const string ConstraintPattern = @"^(node\.(id|hostname|role|platform\.os|platform\.arch)|(node|engine)\.labels\.[A-Za-z0-9_.-]+)\s*(==|!=)\s*[^\s=!]+$";

        private IReadOnlyList<string> Placement()
        {
            const string Fix = "write \"placement\": [\"node.labels.site==east\"], each a node.labels.NAME, node.hostname, node.role, node.id, node.platform.os/arch or engine.labels.NAME with == or != and a value";
            if (Lookup("placement") is not { } value) return [];
            if (value.ValueKind != JsonValueKind.Array)
            {
                Fail(PathOf("placement"), $"must be a list of constraints (got {value.GetRawText()})", Fix);
                return [];
            }
            var constraints = new List<string>();
            foreach (var item in value.EnumerateArray())
                if (item.ValueKind == JsonValueKind.String && System.Text.RegularExpressions.Regex.IsMatch(item.GetString()!, ConstraintPattern)) constraints.Add(item.GetString()!);
                else Fail(PathOf("placement"), $"{item.GetRawText()} is not a placement constraint Swarm understands", Fix);
            return constraints;
        }

        private UpdateOrder UpdateOrder()
        {
            if (Value("updateOrder", "\"start-first\" or \"stop-first\"") is not { } value) return default;
            var name = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (name is "start-first" or "stop-first") return name == "start-first" ? Swarm.UpdateOrder.StartFirst : Swarm.UpdateOrder.StopFirst;
            Fail(PathOf("updateOrder"), $"must be \"start-first\" or \"stop-first\" (got {value.GetRawText()})",
                "write \"updateOrder\": \"start-first\" (a new task serves beside the old one until healthy) or \"stop-first\" (the old task stops first)");
            return default;
        }

        private bool Flag(string key)
        {
            if (Value(key, "true or false") is not { } value) return false;
            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
            Fail(PathOf(key), $"must be true or false (got {value.GetRawText()})", $"write \"{key}\": true or false, without quotes");
            return false;
        }

        private int Number(string key, int minimum, int maximum)
        {
            if (Value(key, $"a whole number from {minimum} to {maximum}") is not { } value) return 0;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= minimum && number <= maximum) return number;
            // A number in quotes ("8000") is the number meant; otherwise the lowest allowed shows the form.
            var meant = value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), out var quoted) && quoted >= minimum && quoted <= maximum ? quoted : minimum;
            Fail(PathOf(key), $"must be a whole number from {minimum} to {maximum} (got {value.GetRawText()})", $"write \"{key}\": {meant}, without quotes");
            return 0;
        }

        private double Decimal(string key, double minimum, double maximum)
        {
            if (Value(key, $"a number from {minimum} to {maximum}") is not { } value) return 0;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && number >= minimum && number <= maximum) return number;
            Fail(PathOf(key), $"must be a number from {minimum} to {maximum} (got {value.GetRawText()})", $"write \"{key}\": 1.0, without quotes");
            return 0;
        }
    }
}
