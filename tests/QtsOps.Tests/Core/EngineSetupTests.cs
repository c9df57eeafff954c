using System.Reflection;
using System.Text.RegularExpressions;
using QtsOps.Build;
using QtsOps.Host;
using QtsOps.Core.Environments;

namespace QtsOps.Tests.Core;

/// <summary>Which runs need this machine's Docker engine set up: one list of the targets, read by the options and the setup alike.</summary>
[Category("Core")]
public class EngineSetupTests
{
    [TestCase("deploy", null, SetupNeed.Engine)]
    [TestCase("status", null, SetupNeed.Engine)]
    [TestCase("status", "unix:///run/user/1000/docker.sock", SetupNeed.Engine)]
    [TestCase("validate", null, SetupNeed.Nothing)]
    [TestCase("terraform-plan", null, SetupNeed.Nothing)]
    [TestCase("test", null, SetupNeed.EngineAndTestTools)]
    [TestCase("test", "ssh://qtsops@staging.qts-observer.internal", SetupNeed.EngineAndTestTools)]
    // An ssh:// or tcp:// environment: this machine's engine only where the image is built, pushed or bundled here.
    [TestCase("image", "ssh://qtsops@staging.qts-observer.internal", SetupNeed.Engine)]
    [TestCase("push", "tcp://10.0.0.5:2376", SetupNeed.Engine)]
    [TestCase("status", "ssh://qtsops@staging.qts-observer.internal", SetupNeed.Nothing)]
    [TestCase("verify", "tcp://10.0.0.5:2376", SetupNeed.Nothing)]
    public void A_run_needs_this_machine_s_engine_when_one_of_its_tasks_uses_it(string task, string? dockerHost, SetupNeed need) =>
        Assert.That(EngineSetup.For(["clean", task], () => dockerHost), Is.EqualTo(need));

    [Test]
    public void The_whole_pipeline_needs_it_through_the_tasks_it_runs() =>
        Assert.That(EngineSetup.For(["clean", "validate", "package", "image", "push", "terraform-plan", "apply", "deploy", "verify", "default"], () => "ssh://qtsops@prod.qts-observer.internal"),
            Is.EqualTo(SetupNeed.Engine));

    [Test]
    public void A_run_whose_tasks_use_no_engine_never_asks_which_engine_the_environment_has() =>
        Assert.That(EngineSetup.For(["clean", "validate", "package"], () => throw new AssertionException("environments.json was read")), Is.EqualTo(SetupNeed.Nothing));

    [Test]
    public void The_options_that_reach_an_engine_apply_to_the_targets_that_need_one() =>
        Assert.That(PipelineOptions.DockerHost.Targets, Is.EqualTo(EngineSetup.EngineTargets));

    [Test]
    public void Every_target_the_setup_rule_names_is_a_target_of_the_pipeline() =>
        Assert.That(EngineSetup.EngineTargets.Union(EngineSetup.ImageTargets).Append(EngineSetup.TestTarget), Is.SubsetOf(TargetNames()));

    [Test]
    public void The_setup_script_names_no_target_and_reads_no_pipeline_argument()
    {
        var setup = File.ReadAllText(SourceRepository.Combine(MachineSetup.Script));

        foreach (var target in TargetNames())
            Assert.That(Regex.IsMatch(setup, $@"(?<![\w.-]){Regex.Escape(target)}(?![\w-])"), Is.False, $"setup.sh names the target '{target}'");
        Assert.That(setup, Does.Not.Contain("--target").And.Not.Contain("--env"));
    }

    [TestCase("build.sh")]
    [TestCase("build.ps1")]
    public void The_entry_scripts_leave_the_setup_to_the_pipeline(string script)
    {
        var code = File.ReadAllLines(SourceRepository.Combine(script)).Where(line => !line.TrimStart().StartsWith('#'));

        Assert.That(code.Where(line => line.Contains("setup.sh")), Is.Empty);
    }

    private static IEnumerable<string> TargetNames() =>
        typeof(BuildContext).Assembly.GetTypes().Select(type => type.GetCustomAttribute<TaskNameAttribute>()?.Name).OfType<string>();
}
