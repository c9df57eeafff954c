using System.Text.Json;
using QtsOps.Core.Json;
using QtsOps.Core.Reports;
using QtsOps.Core.Validation.Docker;
using QtsOps.Core.Validation.Sources;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace QtsOps.Core.Validation.Observer;

/// <summary>
/// The observer's container files, parsed. A file that is missing or does not parse is null here
/// and reported once as a finding, so that the rules only check what could be read.
/// </summary>
public sealed class ObserverFiles
{
    public const string Directory = "src/observer";
    public const string DockerfilePath = Directory + "/Dockerfile";
    public const string ComposePath = Directory + "/docker-compose.yml";
    /// <summary>The port the service publishes when it runs alone, added to <see cref="ComposePath"/> by start.sh and --strategy=recreate.</summary>
    public const string PublishPath = Directory + "/docker-compose.publish.yml";
    public const string DeploymentConfigPath = Directory + "/deployment_config.json";
    public const string DockerignorePath = Directory + "/.dockerignore";
    public const string ServiceName = "qts-observer";

    /// <summary>What the deploy package and the image need (SPEC: "The deploy package").</summary>
    public static readonly string[] RequiredFiles =
    [
        "Dockerfile", "docker-compose.yml", "docker-compose.publish.yml", ".dockerignore", "requirements.txt", "deployment_config.json",
        "start.sh", "README.md", "src/qts_observer/__init__.py", "src/qts_observer/__main__.py",
    ];

    private ObserverFiles(string repositoryRoot) => RepositoryRoot = repositoryRoot;

    public string RepositoryRoot { get; }
    public Dockerfile? Dockerfile { get; private set; }
    public YamlMappingNode? Compose { get; private set; }

    /// <summary>The observer's service in the compose file.</summary>
    public YamlMappingNode? Service { get; private set; }

    private int _serviceLine = 1;

    /// <summary>The line of a setting of the service, else of the service's name: where to add the setting.</summary>
    public int ServiceLine(string? setting = null) => Service.Key(setting ?? "")?.Line() ?? _serviceLine;

    /// <summary>The observer's service in the publish file: its ports.</summary>
    public YamlMappingNode? PublishedService { get; private set; }

    /// <summary>The line of the service's name in the publish file.</summary>
    public int PublishedServiceLine { get; private set; } = 1;

    public JsonSource? DeploymentConfig { get; private set; }
    public string? Dockerignore { get; private set; }

    public static ObserverFiles Load(string repositoryRoot, List<Finding> findings)
    {
        var files = new ObserverFiles(repositoryRoot);
        foreach (var required in RequiredFiles)
            if (!File.Exists(files.FullPath($"{Directory}/{required}")))
                findings.Add(Finding.Error("required-file", $"{Directory}/{required}", $"{required} is missing from {Directory}/",
                    "restore it: the image and the deploy package need it (see SPEC.md, 'What ships')"));

        files.Dockerfile = files.Read(DockerfilePath, findings, text => Dockerfile.Parse(text), error => error switch
        {
            DockerfileSyntaxException syntax => (syntax.Line, syntax.Message),
            _ => null,
        });
        files.Compose = files.Read(ComposePath, findings, LoadYaml, DescribeYamlError);
        var publish = files.Read(PublishPath, findings, LoadYaml, DescribeYamlError);
        files.DeploymentConfig = files.Read(DeploymentConfigPath, findings, JsonSource.Parse, error => error switch
        {
            JsonException json => ((int)(json.LineNumber ?? 0) + 1, json.Message),
            _ => null,
        });
        files.Dockerignore = files.Read(DockerignorePath, findings, text => text, _ => null);

        if (files.Compose is not null)
        {
            var services = files.Compose.Child("services") as YamlMappingNode;
            var name = services.Key(ServiceName) ?? (services?.Children.Count == 1 ? services.Children.Keys.Single() : null);
            files.Service = name is null ? null : services!.Children[name] as YamlMappingNode;
            if (name is not null) files._serviceLine = name.Line();
            if (files.Service is null)
                findings.Add(Finding.Error("compose-service", ComposePath, $"no service '{ServiceName}' under services:",
                    $"define the observer as services: {ServiceName}: (container_name {ServiceName})", line: services?.Line() ?? 1));
        }
        if (publish is not null)
        {
            var services = publish.Child("services");
            var name = services.Key(ServiceName);
            if (name is null)
                findings.Add(Finding.Error("compose-service", PublishPath, $"no service '{ServiceName}' under services:",
                    $"publish the observer's port: services: {ServiceName}: ports: [\"127.0.0.1:8000:8000\"]", line: services?.Line() ?? 1));
            else
            {
                // A service left with no settings (its ports removed) is there, publishing nothing.
                files.PublishedService = services.Child(ServiceName) as YamlMappingNode ?? [];
                files.PublishedServiceLine = name.Line();
            }
        }
        return files;
    }

    private static (int Line, string Message)? DescribeYamlError(Exception error) => error switch
    {
        YamlException yaml => ((int)yaml.Start.Line, yaml.Message),
        InvalidDataException invalid => (1, invalid.Message),
        _ => null,
    };

    public string FullPath(string relativePath) => Path.Combine(RepositoryRoot, relativePath);

    private T? Read<T>(string relativePath, List<Finding> findings, Func<string, T> parse, Func<Exception, (int Line, string Message)?> describe) where T : class
    {
        var path = FullPath(relativePath);
        if (!File.Exists(path)) return null; // reported as a required file
        try
        {
            return parse(File.ReadAllText(path));
        }
        catch (Exception exception) when (describe(exception) is { } where)
        {
            findings.Add(Finding.Error("syntax", relativePath, $"cannot be parsed: {where.Message}", "fix the syntax; the other checks of this file are skipped until it parses", line: where.Line));
            return null;
        }
    }

    /// <summary>A compose file's top-level mapping; an empty file or one of another shape is an <see cref="InvalidDataException"/>.</summary>
    public static YamlMappingNode LoadYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode
            ?? throw new InvalidDataException("the file is empty or not a mapping of top-level keys");
    }
}
