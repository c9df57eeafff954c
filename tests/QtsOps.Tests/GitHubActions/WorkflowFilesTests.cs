using System.Reflection;
using System.Text.RegularExpressions;
using QtsOps.Build;
using QtsOps.Host;
using YamlDotNet.RepresentationModel;

namespace QtsOps.Tests.GitHubActions;

/// <summary>
/// The workflows under .github/workflows/ hold no logic: every run step is one ./build.sh call with
/// targets the pipeline has. Targets come from the pipeline assembly's [TaskName]s, so tasks added
/// later count.
/// </summary>
public partial class WorkflowFilesTests
{
    [GeneratedRegex(@"^\./build\.sh(?: --[a-z][a-z0-9-]*(?:=[A-Za-z0-9._/-]+)?)*$")]
    private static partial Regex BuildShCall();

    private static string RepositoryRoot => SourceRepository.Root;

    private static readonly HashSet<string> PipelineTargets = typeof(BuildContext).Assembly.GetTypes()
        .Select(t => t.GetCustomAttribute<TaskNameAttribute>()?.Name)
        .OfType<string>()
        .ToHashSet(StringComparer.Ordinal);

    internal sealed record RunStep(string File, string Job, string Name, string Command, int Line, string? If);

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(file);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    internal static IEnumerable<string> WorkflowFiles() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot, ".github", "workflows")).Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal)).Order();

    private static YamlNode? Child(YamlNode node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static IEnumerable<(string Name, YamlMappingNode Job)> Jobs(YamlMappingNode workflow) =>
        ((YamlMappingNode)Child(workflow, "jobs")!).Children.Select(j => (((YamlScalarNode)j.Key).Value!, (YamlMappingNode)j.Value));

    internal static List<RunStep> RunSteps() =>
    [
        .. from file in WorkflowFiles()
           from job in Jobs(Load(file))
           where Child(job.Job, "steps") is YamlSequenceNode
           from step in ((YamlSequenceNode)Child(job.Job, "steps")!).Cast<YamlMappingNode>()
           where Child(step, "run") is not null
           let run = (YamlScalarNode)Child(step, "run")!
           select new RunStep(Path.GetFileName(file), job.Name, (Child(step, "name") as YamlScalarNode)?.Value ?? "(unnamed)", run.Value!, (int)run.Start.Line, Child(step, "if")?.ToString()),
    ];

    internal static IEnumerable<string> Targets(string command) =>
        command.Split(' ').Where(a => a.StartsWith("--target=", StringComparison.Ordinal)).Select(a => a["--target=".Length..]);

    [Test]
    public void Every_run_step_is_a_single_build_sh_call()
    {
        var steps = RunSteps();

        Assert.That(steps, Is.Not.Empty);
        var offending = steps.Where(s => !BuildShCall().IsMatch(s.Command.Trim())).Select(s => $"{s.File}:{s.Line} ({s.Job} / {s.Name}): {s.Command.Trim()}");
        Assert.That(offending, Is.Empty, "run steps may only call ./build.sh with --name[=value] arguments; put logic in a target");
    }

    [Test]
    public void Every_named_target_exists_in_the_pipeline()
    {
        var named = RunSteps().SelectMany(s => Targets(s.Command).Select(t => (Step: s, Target: t))).ToList();

        var unknown = named.Where(n => !PipelineTargets.Contains(n.Target))
            .Select(n => $"{n.Step.File}:{n.Step.Line}: --target={n.Target}");
        Assert.That(unknown, Is.Empty, $"targets that exist: {string.Join(", ", PipelineTargets.Order())}");
    }

    [Test]
    public void Environments_named_on_the_command_line_exist()
    {
        var environments = RunSteps().SelectMany(s => s.Command.Split(' ')).Where(a => a.StartsWith("--env=", StringComparison.Ordinal)).Select(a => a["--env=".Length..]);

        Assert.That(environments, Is.SubsetOf(BuildContext.Environments));
    }

    [Test]
    public void Pull_requests_run_test_validate_package_and_the_staging_plan()
    {
        var ci = Load(Path.Combine(RepositoryRoot, ".github", "workflows", "ci.yml"));
        var commands = RunSteps().Where(s => s.File == "ci.yml").Select(s => s.Command).ToList();

        Assert.That(Child(Child(ci, "on")!, "pull_request"), Is.Not.Null);
        Assert.That(commands.SelectMany(Targets), Is.EqualTo(new[] { "validate", "package", "test", "terraform-plan" }));
        Assert.That(commands, Has.One.EqualTo("./build.sh --target=terraform-plan --env=staging"));
    }

    [Test]
    public void Main_deploys_staging_and_version_tags_deploy_prod_behind_the_production_environment()
    {
        var release = Load(Path.Combine(RepositoryRoot, ".github", "workflows", "release.yml"));
        var push = Child(Child(release, "on")!, "push")!;
        Assert.That(((YamlSequenceNode)Child(push, "branches")!).Select(n => n.ToString()), Is.EqualTo(new[] { "main" }));
        Assert.That(((YamlSequenceNode)Child(push, "tags")!).Select(n => n.ToString()), Is.EqualTo(new[] { "v*" }));

        var calls = Jobs(release).ToDictionary(j => j.Name, j => (If: Child(j.Job, "if")!.ToString(), Uses: Child(j.Job, "uses")!.ToString(), With: (YamlMappingNode)Child(j.Job, "with")!));
        Assert.That(calls["staging"].If, Is.EqualTo("github.ref == 'refs/heads/main'"));
        Assert.That(calls["prod"].If, Is.EqualTo("startsWith(github.ref, 'refs/tags/v')"));
        Assert.That(Child(calls["staging"].With, "environment")!.ToString(), Is.EqualTo("staging"));
        Assert.That(Child(calls["prod"].With, "environment")!.ToString(), Is.EqualTo("prod"));
        Assert.That(Child(calls["prod"].With, "github-environment")!.ToString(), Is.EqualTo("production"));

        var deploy = Load(Path.Combine(RepositoryRoot, ".github", "workflows", calls["prod"].Uses.Replace("./.github/workflows/", "")));
        var job = Jobs(deploy).Single().Job;
        Assert.That(Child(job, "environment")!.ToString(), Is.EqualTo("${{ inputs.github-environment }}"));
        Assert.That(Child(Child(job, "env")!, "QTSOPS_ENV")!.ToString(), Is.EqualTo("${{ inputs.environment }}"));
        var steps = RunSteps().Where(s => s.File == Path.GetFileName(calls["prod"].Uses)).ToList();
        foreach (var step in steps)
            Assert.That(Targets(step.Command), Is.EqualTo(new[] { "image", "push", "terraform-plan", "apply", "deploy", "verify" }), $"{step.File}:{step.Line}");
    }

    [Test]
    public void Only_the_prod_job_behind_the_production_environment_passes_approve()
    {
        var release = Load(Path.Combine(RepositoryRoot, ".github", "workflows", "release.yml"));
        var with = Jobs(release).ToDictionary(j => j.Name, j => (YamlMappingNode)Child(j.Job, "with")!);
        Assert.That(Child(with["prod"], "approve")?.ToString(), Is.EqualTo("true"));
        Assert.That(Child(with["prod"], "github-environment")!.ToString(), Is.EqualTo("production"));
        Assert.That(with.Where(w => w.Key != "prod").Select(w => Child(w.Value, "approve")), Is.All.Null, "only prod is approved");

        // deploy.yml runs one line or the other: the same targets, --approve only when the caller approves.
        var steps = RunSteps().Where(s => s.File == "deploy.yml").ToList();
        var approved = steps.Single(s => s.Command.Split(' ').Contains("--approve"));
        var plain = steps.Single(s => !s.Command.Split(' ').Contains("--approve"));
        Assert.That(approved.If, Is.EqualTo("${{ inputs.approve }}"));
        Assert.That(plain.If, Is.EqualTo("${{ !inputs.approve }}"));
        Assert.That(approved.Command.Trim(), Is.EqualTo(plain.Command.Trim() + " --approve"));
        // Nowhere else: every other workflow line changes nothing protected without a person's approval.
        Assert.That(RunSteps().Where(s => s != approved && s.Command.Split(' ').Contains("--approve")), Is.Empty);
    }

    [Test]
    public void Jobs_that_reach_azure_or_the_registry_map_the_secrets_to_environment_variables()
    {
        string[] arm = ["ARM_SUBSCRIPTION_ID", "ARM_TENANT_ID", "ARM_CLIENT_ID", "ARM_CLIENT_SECRET"];
        string[] registry = ["QTSOPS_REGISTRY_USERNAME", "QTSOPS_REGISTRY_PASSWORD"];
        foreach (var file in WorkflowFiles())
        foreach (var (name, job) in Jobs(Load(file)))
        {
            if (Child(job, "steps") is not YamlSequenceNode steps) continue;
            foreach (var step in steps.Cast<YamlMappingNode>().Where(s => Child(s, "run") is not null))
            {
                var targets = Targets(Child(step, "run")!.ToString()).ToList();
                var env = new[] { Child(job, "env"), Child(step, "env") }.OfType<YamlMappingNode>()
                    .SelectMany(m => m.Children).ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());
                var needed = (targets.Any(t => t is "terraform-plan" or "apply") ? arm : []).Concat(targets.Contains("push") ? registry : []);
                foreach (var variable in needed)
                    Assert.That(env.GetValueOrDefault(variable), Is.EqualTo($"${{{{ secrets.{variable} }}}}"), $"{Path.GetFileName(file)} / {name}: {variable}");
            }
        }
    }

    [Test]
    public void Jobs_restore_the_sdk_from_global_json_and_cache_nuget_packages()
    {
        foreach (var file in WorkflowFiles())
        foreach (var (name, job) in Jobs(Load(file)).Where(j => Child(j.Job, "steps") is not null))
        {
            var uses = ((YamlSequenceNode)Child(job, "steps")!).Cast<YamlMappingNode>().Where(s => Child(s, "uses") is not null).ToList();
            var setup = uses.Single(s => Child(s, "uses")!.ToString().StartsWith("actions/setup-dotnet@", StringComparison.Ordinal));
            Assert.That(Child(Child(setup, "with")!, "global-json-file")!.ToString(), Is.EqualTo("global.json"), $"{file} / {name}");
            var cache = uses.Single(s => Child(s, "uses")!.ToString().StartsWith("actions/cache@", StringComparison.Ordinal));
            Assert.That(Child(Child(cache, "with")!, "path")!.ToString(), Is.EqualTo("~/.nuget/packages"));
            Assert.That(Child(Child(cache, "with")!, "key")!.ToString(), Does.Contain("hashFiles('**/*.csproj', '**/*.props'"));
        }
    }
}
