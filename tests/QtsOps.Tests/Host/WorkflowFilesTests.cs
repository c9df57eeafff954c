using System.Reflection;
using System.Text.RegularExpressions;
using QtsOps.Build;
using QtsOps.Host;
using YamlDotNet.RepresentationModel;

namespace QtsOps.Tests.Host;

/// <summary>
/// The workflows under .github/workflows/ hold no logic: every run step is one ./build.sh call with
/// targets the pipeline has. Targets come from the pipeline assembly's [TaskName]s, so tasks added
/// later count.
/// </summary>
public partial class WorkflowFilesTests
{
    /// <summary>
    /// ./build.sh and --name[=value] arguments; a value typed into a workflow_dispatch input reaches it
    /// only as a quoted variable of the step's env (--to="$ROLLBACK_TO"), never as ${{ }} shell text.
    /// </summary>
    [GeneratedRegex(@"^\./build\.sh(?: --[a-z][a-z0-9-]*(?:=(?:[A-Za-z0-9._/-]+|""\$[A-Z_][A-Z0-9_]*""))?)*$")]
    private static partial Regex BuildShCall();

    [GeneratedRegex(@"""\$([A-Z_][A-Z0-9_]*)""")]
    private static partial Regex QuotedVariable();

    /// <summary>The host's own arguments a workflow may give besides the declared options.</summary>
    private static readonly HashSet<string> HostArguments = ["target", "verbosity", "exclusive"];

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
        Assert.That(offending, Is.Empty, "run steps may only call ./build.sh with --name[=value] arguments (a value from an input as \"$VARIABLE\" of the step's env); put logic in a target");
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
        var environments = RunSteps().SelectMany(s => s.Command.Split(' ')).Where(a => a.StartsWith("--env=", StringComparison.Ordinal)).Select(a => a["--env=".Length..]).Distinct();

        Assert.That(environments, Is.SubsetOf(QtsOps.Core.Environments.EnvironmentCatalog.DeclaredNames(Path.Combine(RepositoryRoot, QtsOps.Core.Environments.EnvironmentCatalog.FileName))));
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

        var calls = Jobs(release).Where(j => Child(j.Job, "uses") is not null).ToDictionary(j => j.Name, j => (If: Child(j.Job, "if")!.ToString(), Uses: Child(j.Job, "uses")!.ToString(), With: (YamlMappingNode)Child(j.Job, "with")!));
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
    public void A_tag_is_pushed_bundled_and_published_before_prod_deploys_the_bundle_it_verifies()
    {
        var release = Load(Path.Combine(RepositoryRoot, ".github", "workflows", "release.yml"));
        var jobs = Jobs(release).ToDictionary(j => j.Name, j => j.Job);
        var bundle = jobs["release-bundle"];
        Assert.That(Child(bundle, "if")!.ToString(), Is.EqualTo("startsWith(github.ref, 'refs/tags/v')"));
        Assert.That(Child(Child(bundle, "permissions")!, "contents")!.ToString(), Is.EqualTo("write"));
        var steps = RunSteps().Where(s => s is { File: "release.yml", Job: "release-bundle" }).ToList();
        var bundling = ((YamlSequenceNode)Child(bundle, "steps")!).Cast<YamlMappingNode>().Single(step => Child(step, "run") is not null);
        Assert.That(Child(Child(bundling, "env")!, "QTSOPS_SIGNING_KEY")!.ToString(), Is.EqualTo("${{ secrets.QTSOPS_SIGNING_KEY }}"), "the key on the one step that signs");
        Assert.That(steps.SelectMany(s => Targets(s.Command)), Is.EqualTo(new[] { "image", "push", "bundle", "publish-release" }), "push, then bundle, then publish");
        Assert.That(Child(jobs["prod"], "needs")!.ToString(), Is.EqualTo("release-bundle"), "prod deploys only once the release is published");

        var deploy = Load(Path.Combine(RepositoryRoot, ".github", "workflows", "deploy.yml"));
        var deploySteps = ((YamlSequenceNode)Child(Jobs(deploy).Single().Job, "steps")!).Cast<YamlMappingNode>().ToList();
        var download = deploySteps.FindIndex(step => Child(step, "uses")?.ToString().StartsWith("actions/download-artifact@", StringComparison.Ordinal) == true);
        var approved = deploySteps.FindIndex(step => Child(step, "run")?.ToString().Contains("--approve") == true);
        Assert.That(download, Is.GreaterThanOrEqualTo(0).And.LessThan(approved), "the protected deploy gets the bundle before it runs");
        Assert.That(Child(Child(deploySteps[download], "with")!, "path")!.ToString(), Is.EqualTo("artifacts/bundle/"));
        Assert.That(Child(deploySteps[download], "if")!.ToString(), Is.EqualTo("${{ inputs.approve }}"));
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
        // Elsewhere only in a job behind the production environment (operate.yml's prod rollback), where its reviewers approve.
        var others = RunSteps().Where(s => s != approved && s.Command.Split(' ').Contains("--approve")).ToList();
        Assert.That(others.Select(s => (s.File, s.Job)).Distinct(), Is.EqualTo(new[] { ("operate.yml", "prod") }));
        foreach (var step in others)
        {
            var job = Jobs(Load(Path.Combine(RepositoryRoot, ".github", "workflows", step.File))).Single(j => j.Name == step.Job).Job;
            Assert.That(Child(job, "environment")?.ToString(), Is.EqualTo("production"), $"{step.File}:{step.Line}");
        }
    }

    /// <summary>The secrets a ./build.sh line's targets read, as the names of the variables a step maps them to.</summary>
    private static HashSet<string> SecretsNeeded(IReadOnlyCollection<string> targets)
    {
        string[] arm = ["ARM_SUBSCRIPTION_ID", "ARM_TENANT_ID", "ARM_CLIENT_ID", "ARM_CLIENT_SECRET"];
        string[] registry = [PipelineOptions.RegistryUsername.Variable!, PipelineOptions.RegistryPassword.Variable!];
        string[] ssh = [PipelineOptions.SshKey.Variable!, PipelineOptions.SshKnownHosts.Variable!];
        return
        [
            .. targets.Any(t => t is "terraform-plan" or "apply") ? arm : [],
            .. targets.Any(PipelineOptions.RegistryPassword.Targets.Contains) ? registry : [],
            // image and push of an ssh:// environment run on the runner's engine: only the targets that reach the host need its key.
            .. targets.Any(t => PipelineOptions.SshKey.Targets.Contains(t) && t is not ("image" or "push")) ? ssh : [],
            .. targets.Any(PipelineOptions.NotifyWebhook.Targets.Contains) ? new[] { PipelineOptions.NotifyWebhook.Variable! } : [],
            .. targets.Any(PipelineOptions.SigningKey.Targets.Contains) ? new[] { PipelineOptions.SigningKey.Variable! } : [],
        ];
    }

    [Test]
    public void Steps_that_reach_azure_the_registry_or_a_host_map_the_secrets_to_environment_variables()
    {
        foreach (var file in WorkflowFiles())
        foreach (var (name, job) in Jobs(Load(file)))
        foreach (var step in Steps(job).Where(s => Child(s, "run") is not null))
        {
            var env = Env(step);
            foreach (var variable in SecretsNeeded([.. Targets(Child(step, "run")!.ToString())]))
                Assert.That(env.GetValueOrDefault(variable), Is.EqualTo($"${{{{ secrets.{variable} }}}}"), $"{Path.GetFileName(file)} / {name}: {variable}");
        }
    }

    /// <summary>
    /// A secret in a workflow's or a job's env reaches every step, third-party actions and the NuGet restore
    /// included: secrets go on the ./build.sh step whose targets read them, and nowhere else.
    /// </summary>
    [Test]
    public void Secrets_reach_only_the_build_sh_steps_that_need_them()
    {
        var problems = new List<string>();
        foreach (var file in WorkflowFiles())
        {
            var workflow = Load(file);
            var where = Path.GetFileName(file);
            if (Child(workflow, "env") is { } workflowEnv && workflowEnv.ToString().Contains("secrets.", StringComparison.Ordinal))
                problems.Add($"{where}: the workflow's env names a secret");
            foreach (var (name, job) in Jobs(workflow))
            {
                if (Env(job).Where(v => v.Value.Contains("secrets.", StringComparison.Ordinal)).Select(v => v.Key).ToList() is { Count: > 0 } jobSecrets)
                    problems.Add($"{where} / {name}: the job's env maps {string.Join(", ", jobSecrets)} for every step");
                foreach (var step in Steps(job))
                {
                    var given = new[] { Child(step, "env"), Child(step, "with") }.OfType<YamlMappingNode>().SelectMany(m => m.Children)
                        .Where(v => v.Value.ToString().Contains("secrets.", StringComparison.Ordinal)).Select(v => v.Key.ToString()).ToList();
                    if (given.Count == 0) continue;
                    if (Child(step, "run") is not { } run)
                    {
                        problems.Add($"{where} / {name}: the step using {Child(step, "uses")} is given {string.Join(", ", given)}");
                        continue;
                    }
                    var needed = SecretsNeeded([.. Targets(run.ToString())]);
                    if (given.Where(v => !needed.Contains(v)).ToList() is { Count: > 0 } extra)
                        problems.Add($"{where} / {name} / {Child(step, "name")}: {string.Join(", ", extra)} not read by its targets");
                }
            }
        }

        Assert.That(problems, Is.Empty);
    }

    /// <summary>A tag can be moved to other code at any time; a commit cannot. The tag stays in a comment for people and update tools.</summary>
    [GeneratedRegex(@"^\s*(?:- )?uses: (?<action>[^\s@]+)@(?<ref>\S+)(?: # (?<tag>\S+))?\s*$")]
    private static partial Regex UsesLine();

    [Test]
    public void Third_party_actions_are_pinned_by_commit_with_their_tag_in_a_comment()
    {
        var uses = WorkflowFiles().SelectMany(file => File.ReadAllLines(file).Select((line, index) => (File: Path.GetFileName(file), Line: index + 1, Text: line)))
            .Where(l => l.Text.TrimStart().TrimStart('-').TrimStart().StartsWith("uses:", StringComparison.Ordinal) && !l.Text.Contains("uses: ./", StringComparison.Ordinal))
            .ToList();

        Assert.That(uses, Is.Not.Empty);
        var unpinned = uses.Where(u => UsesLine().Match(u.Text) is not { Success: true } m
                || !Regex.IsMatch(m.Groups["ref"].Value, "^[0-9a-f]{40}$") || !Regex.IsMatch(m.Groups["tag"].Value, @"^v\d+(\.\d+)*$"))
            .Select(u => $"{u.File}:{u.Line}: {u.Text.Trim()}");
        Assert.That(unpinned, Is.Empty, "pin each action by the full commit SHA of a release tag: uses: owner/name@<40 hex digits> # vX.Y.Z");
    }

    /// <summary>
    /// A pull request runs its own branch's workflow file: whatever its jobs can read, a branch's author can.
    /// The staging plan reads the plan-only principal of the pr-plan environment; no ci.yml job runs behind a deploy environment.
    /// </summary>
    [Test]
    public void Pull_request_plans_use_the_plan_only_environment_and_no_deploy_credentials()
    {
        var jobs = Jobs(Load(Workflow("ci.yml"))).ToList();

        foreach (var (name, job) in jobs)
        {
            var azure = Steps(job).Any(s => Env(s).Keys.Any(k => k.StartsWith("ARM_", StringComparison.Ordinal)));
            Assert.That(Child(job, "environment")?.ToString(), azure ? Is.EqualTo("pr-plan") : Is.Null, $"ci.yml / {name}");
        }
        Assert.That(jobs.Count(j => Child(j.Job, "environment") is not null), Is.EqualTo(1));
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

    [Test]
    public void Every_option_on_a_build_sh_line_is_declared_and_read_by_one_of_its_targets()
    {
        var declared = PipelineOptions.All.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var step in RunSteps())
        {
            var targets = Targets(step.Command).DefaultIfEmpty("default").ToList();
            foreach (var name in Arguments(step.Command).Select(a => a.Name).Where(n => !HostArguments.Contains(n)))
            {
                if (!declared.TryGetValue(name, out var option)) problems.Add($"{step.File}:{step.Line}: --{name} is not a declared option");
                else if (option.Secret) problems.Add($"{step.File}:{step.Line}: --{name} is a secret: map {option.Variable} from secrets instead");
                else if (option.Targets.Count > 0 && targets.All(t => t != "default" && !option.Targets.Contains(t)))
                    problems.Add($"{step.File}:{step.Line}: --{name} is read by {string.Join(", ", option.Targets)}, none of which this line runs");
            }
        }

        Assert.That(problems, Is.Empty, "./build.sh --help lists the options and the targets that read them");
    }

    [Test]
    public void A_quoted_variable_on_a_build_sh_line_is_set_by_its_step_from_an_input()
    {
        foreach (var file in WorkflowFiles())
        foreach (var (name, job) in Jobs(Load(file)))
        foreach (var step in Steps(job).Where(s => Child(s, "run") is not null))
        foreach (var variable in QuotedVariable().Matches(Child(step, "run")!.ToString()).Select(m => m.Groups[1].Value))
            Assert.That(Env(step).GetValueOrDefault(variable), Does.Match(@"^\$\{\{ inputs\.[a-z-]+ \}\}$"), $"{Path.GetFileName(file)} / {name}: {variable}");
    }

    [Test]
    public void Staging_and_prod_are_checked_daily_and_on_demand_without_rollback_and_a_failure_notifies()
    {
        var health = Load(Workflow("health.yml"));
        var on = Child(health, "on")!;
        var crons = ((YamlSequenceNode)Child(on, "schedule")!).Select(entry => Child(entry, "cron")!.ToString()).ToList();
        Assert.That(crons, Has.One.Items);
        Assert.That(crons[0].Split(' '), Has.Length.EqualTo(5));
        Assert.That(crons[0].Split(' ')[2..], Is.EqualTo(new[] { "*", "*", "*" }), "daily: every day of every month, any weekday");
        Assert.That(crons[0].Split(' ')[..2], Has.All.Match(@"^\d+$"), "once a day: a fixed minute and hour");
        Assert.That(Child(on, "workflow_dispatch"), Is.Not.Null);

        var (jobName, job) = Jobs(health).Single();
        var strategy = Child(job, "strategy")!;
        Assert.That(Child(strategy, "fail-fast")!.ToString(), Is.EqualTo("false"), "a failing staging never cancels prod's check");
        var matrix = ((YamlSequenceNode)Child(Child(strategy, "matrix")!, "include")!)
            .ToDictionary(entry => Child(entry, "environment")!.ToString(), entry => Child(entry, "github-environment")!.ToString());
        // prod's check reads its read-only key from its own environment, not the deploy key behind production (docs/OPERATIONS.md).
        Assert.That(matrix, Is.EqualTo(new Dictionary<string, string> { ["staging"] = "staging", ["prod"] = "production-health" }));
        Assert.That(Child(job, "environment")!.ToString(), Is.EqualTo("${{ matrix.github-environment }}"));
        Assert.That(Env(job).GetValueOrDefault("QTSOPS_ENV"), Is.EqualTo("${{ matrix.environment }}"));

        var runs = Steps(job).Where(s => Child(s, "run") is not null).ToList();
        foreach (var run in runs) AssertHostSecretsMapped(Env(run), $"health.yml / {jobName} / {Child(run, "name")}");
        Assert.That(runs.Select(s => Child(s, "run")!.ToString().Trim()),
            Is.EqualTo(new[] { "./build.sh --target=verify --no-rollback", "./build.sh --target=status", "./build.sh --target=dashboard" }));
        Assert.That(Child(runs[1], "if")?.ToString(), Does.Contain("failure()"), "status runs after a failed verify too");
        Assert.That(Child(runs[2], "if")?.ToString(), Does.Contain("failure()"), "the dashboard too");
        AssertReportsUploaded(job, "health.yml");
        AssertUploaded(job, "artifacts/dashboard/", "health.yml");
    }

    [Test]
    public void Release_managers_roll_back_or_see_status_behind_the_same_environments_and_only_prod_passes_approve()
    {
        var operate = Load(Workflow("operate.yml"));
        var inputs = Child(Child(Child(operate, "on")!, "workflow_dispatch")!, "inputs")!;
        Assert.That(Child(Child(inputs, "environment")!, "type")!.ToString(), Is.EqualTo("choice"));
        Assert.That(Options(Child(inputs, "environment")!), Is.EquivalentTo(new[] { "staging", "prod" }));
        Assert.That(Child(Child(inputs, "action")!, "type")!.ToString(), Is.EqualTo("choice"));
        Assert.That(Options(Child(inputs, "action")!), Is.EquivalentTo(new[] { "rollback", "status" }));
        Assert.That(Child(Child(inputs, "to")!, "type")!.ToString(), Is.EqualTo("string"));
        Assert.That(Child(Child(inputs, "to")!, "required")!.ToString(), Is.EqualTo("false"));

        var jobs = Jobs(operate).ToDictionary(j => j.Name, j => j.Job);
        Assert.That(jobs.Keys, Is.EquivalentTo(new[] { "staging", "prod" }));
        foreach (var (environment, githubEnvironment) in new[] { ("staging", "staging"), ("prod", "production") })
        {
            var job = jobs[environment];
            var where = $"operate.yml / {environment}";
            Assert.That(Child(job, "if")!.ToString(), Is.EqualTo($"inputs.environment == '{environment}'"), where);
            Assert.That(Child(job, "environment")!.ToString(), Is.EqualTo(githubEnvironment), where);

            var runs = Steps(job).Where(s => Child(s, "run") is not null).Select(s => (If: Child(s, "if")?.ToString() ?? "", Command: Child(s, "run")!.ToString().Trim(), Env: Env(s))).ToList();
            foreach (var run in runs) AssertHostSecretsMapped(run.Env, $"{where}: {run.Command}");
            Assert.That(runs.Select(r => r.Command), Has.All.Contains($" --env={environment}"), where);
            var rollbacks = runs.Where(r => Targets(r.Command).Contains("rollback")).ToList();
            Assert.That(rollbacks.Select(r => r.If), Is.EquivalentTo(new[] { "inputs.action == 'rollback' && inputs.to == ''", "inputs.action == 'rollback' && inputs.to != ''" }), where);
            Assert.That(rollbacks.Select(r => r.Command.Split(' ').Contains("--approve")), Has.All.EqualTo(environment == "prod"),
                $"{where}: prod is protected and its job is approved by the production environment's reviewers; staging needs no --approve");
            var to = rollbacks.Single(r => r.If.EndsWith("!= ''", StringComparison.Ordinal));
            Assert.That(to.Command, Does.EndWith(" --to=\"$ROLLBACK_TO\""), where);
            Assert.That(to.Env.GetValueOrDefault("ROLLBACK_TO"), Is.EqualTo("${{ inputs.to }}"), where);
            Assert.That(runs.Single(r => Targets(r.Command).Contains("status")).If, Does.Contain("failure()"), $"{where}: status also after a failed rollback");
            Assert.That(runs.SelectMany(r => Targets(r.Command)).Distinct(), Is.EquivalentTo(new[] { "rollback", "status" }), where);
            AssertReportsUploaded(job, where);
        }
    }

    [Test]
    public void The_deploy_workflow_maps_the_ssh_key_and_the_pinned_host_keys()
    {
        var runs = Steps(Jobs(Load(Workflow("deploy.yml"))).Single().Job).Where(s => Child(s, "run") is not null).ToList();

        Assert.That(runs, Has.Count.EqualTo(2));
        foreach (var env in runs.Select(Env))
        {
            AssertHostSecretsMapped(env, "deploy.yml");
            Assert.That(env.GetValueOrDefault("QTSOPS_REGISTRY_PASSWORD"), Is.EqualTo("${{ secrets.QTSOPS_REGISTRY_PASSWORD }}"));
        }
    }

    private static string Workflow(string name) => Path.Combine(RepositoryRoot, ".github", "workflows", name);

    private static IEnumerable<YamlMappingNode> Steps(YamlMappingNode job) =>
        Child(job, "steps") is YamlSequenceNode steps ? steps.Cast<YamlMappingNode>() : [];

    private static Dictionary<string, string> Env(YamlNode node) =>
        Child(node, "env") is YamlMappingNode env ? env.Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString()) : [];

    private static List<string> Options(YamlNode input) => [.. ((YamlSequenceNode)Child(input, "options")!).Select(n => n.ToString())];

    /// <summary>The --name[=value] arguments of a ./build.sh line.</summary>
    private static IEnumerable<(string Name, string? Value)> Arguments(string command) =>
        command.Trim().Split(' ').Skip(1).Where(a => a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => a[2..].Split('=', 2)).Select(p => (p[0], p.Length > 1 ? p[1] : null));

    private static void AssertHostSecretsMapped(Dictionary<string, string> env, string where)
    {
        foreach (var variable in new[] { "QTSOPS_SSH_KEY", "QTSOPS_SSH_KNOWN_HOSTS" })
            Assert.That(env.GetValueOrDefault(variable), Is.EqualTo($"${{{{ secrets.{variable} }}}}"), $"{where}: {variable}");
    }

    private static void AssertReportsUploaded(YamlMappingNode job, string where) => AssertUploaded(job, "artifacts/reports/", where);

    /// <summary>One upload step of <paramref name="path"/>, also after a failure.</summary>
    private static void AssertUploaded(YamlMappingNode job, string path, string where)
    {
        var uploads = Steps(job).Where(s => Child(s, "uses")?.ToString().StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true).ToList();
        Assert.That(uploads.Select(u => Child(Child(u, "with")!, "path")!.ToString().Trim()), Has.One.EqualTo(path), where);
        var upload = uploads.Single(u => Child(Child(u, "with")!, "path")!.ToString().Trim() == path);
        Assert.That(Child(upload, "if")?.ToString(), Is.EqualTo("always()"), $"{where}: the reports of a failed run are the ones wanted");
    }
}
