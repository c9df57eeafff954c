using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.IO;
using Cake.Core.Tooling;
using QtsOps.Host;
using QtsOps.Tools.Terraform;

namespace QtsOps.Tests.Tools;

/// <summary>The Terraform runner against the real terraform CLI (offline: builtin provider and local backend only).</summary>
public class TerraformCliTests
{
    private readonly StringWriter _log = new();

    private TerraformRunner CreateRunner()
    {
        var log = new HostLog(_log, _log);
        var fileSystem = new FileSystem();
        var environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
        var configuration = new CakeConfiguration(new Dictionary<string, string>());
        var tools = new ToolLocator(environment, new ToolRepository(environment),
            new ToolResolutionStrategy(fileSystem, environment, new Globber(fileSystem, environment), configuration, log));
        return new TerraformRunner(fileSystem, environment, new ProcessRunner(fileSystem, environment, log, tools, configuration), tools, log);
    }

    [Test]
    public void The_infrastructure_sources_are_formatted()
    {
        var unformatted = CreateRunner().FormatCheck(new TerraformFormatSettings { RootModule = SourceRepository.Combine("src", "infra"), Recursive = true });

        Assert.That(unformatted, Is.Empty, "run `terraform fmt -recursive src/infra`");
    }

    [Test]
    public void No_guid_is_hard_coded_under_src_infra()
    {
        var guid = new Regex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
        var hits = Directory.EnumerateFiles(SourceRepository.Combine("src", "infra"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{System.IO.Path.DirectorySeparatorChar}.terraform"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(hit => guid.IsMatch(hit.line))
            .Select(hit => $"{hit.f}:{hit.i + 1}")
            .ToList();

        Assert.That(hits, Is.Empty, "subscription, tenant and client IDs come only from ARM_* variables");
    }

    [Test]
    public void Plan_show_apply_output_state_and_destroy_work_together_on_a_saved_plan()
    {
        using var scratch = new TempDirectory();
        SourceRepository.CopyTo("src/infra", scratch.Path);
        var runner = CreateRunner();
        T At<T>(T settings) where T : TerraformSettings
        {
            settings.RootModule = scratch.Combine("environments", "local");
            settings.DataDirectory = scratch.Combine("data");
            return settings;
        }
        var plan = scratch.Combine("tfplan");
        runner.Init(At(new TerraformInitSettings { Reconfigure = true, BackendConfig = { ["path"] = scratch.Combine("state", "terraform.tfstate") } }));
        runner.Validate(At(new TerraformValidateSettings()));
        Assert.That(runner.StatePull(At(new TerraformStatePullSettings())), Is.EqualTo(TerraformStateVersion.None));

        Assert.That(runner.Plan(At(new TerraformPlanSettings { OutFile = plan, Variables = { ["compose_project"] = "qts-test" } })), Is.True);
        using (var shown = runner.ShowJson(At(new TerraformShowSettings { PlanFile = plan })))
            Assert.That(shown.RootElement.GetProperty("resource_changes").EnumerateArray().Select(c => c.GetProperty("address").GetString()),
                Is.EquivalentTo(new[] { "terraform_data.deployment_target", "terraform_data.resource_group" }));
        runner.Apply(At(new TerraformApplySettings { PlanFile = plan }));

        using (var outputs = runner.OutputJson(At(new TerraformOutputSettings())))
            Assert.That(outputs.RootElement.GetProperty("deployment_target").GetProperty("value").GetProperty("compose_project").GetString(), Is.EqualTo("qts-test"));
        var applied = runner.StatePull(At(new TerraformStatePullSettings()));
        Assert.That(applied.Lineage, Is.Not.Empty);
        Assert.That(runner.Plan(At(new TerraformPlanSettings { OutFile = plan, Variables = { ["compose_project"] = "qts-test" } })), Is.False);

        runner.Destroy(At(new TerraformDestroySettings { Variables = { ["compose_project"] = "qts-test" } }));

        using var state = runner.ShowJson(At(new TerraformShowSettings()));
        Assert.That(state.RootElement.TryGetProperty("values", out _), Is.False, "nothing is left in the state");
        Assert.That(runner.StatePull(At(new TerraformStatePullSettings())).Serial, Is.GreaterThan(applied.Serial));
    }

    [Test]
    public void Format_check_lists_the_unformatted_files()
    {
        using var root = new TempDirectory();
        root.Write("good.tf", "variable \"a\" {\n  type = string\n}\n");
        root.Write("nested/bad.tf", "variable \"b\" {\ntype=string\n}\n");

        var unformatted = CreateRunner().FormatCheck(new TerraformFormatSettings { RootModule = root.Path, Recursive = true });

        Assert.That(unformatted, Is.EqualTo(new[] { "nested/bad.tf" }));
    }

    // Terraform quotes a value HCL-escaped: a quote or a backslash must not let it escape the mask.
    [TestCase("ftp://hunter2-not-a-url")]
    [TestCase("ftp://hunter2\"quoted\\path")]
    public void A_secret_variable_is_masked_in_the_diagnostics_and_the_log(string secret)
    {
        using var scratch = new TempDirectory();
        SourceRepository.CopyTo("src/infra", scratch.Path);
        var runner = CreateRunner();
        var root = scratch.Combine("environments", "local");
        var data = scratch.Combine("data");
        runner.Init(new TerraformInitSettings { RootModule = root, DataDirectory = data, BackendConfig = { ["path"] = scratch.Combine("state", "terraform.tfstate") } });

        // health_url's validation message quotes the rejected value.
        var failure = Assert.Throws<TerraformException>(() => runner.Plan(new TerraformPlanSettings
        {
            RootModule = root,
            DataDirectory = data,
            OutFile = scratch.Combine("tfplan"),
            SecretVariables = { ["health_url"] = secret },
        }));

        Assert.That(failure!.ExitCode, Is.EqualTo(1));
        Assert.That(failure.Diagnostics, Does.Contain("var.health_url is \"[REDACTED]\""));
        Assert.That(failure.Message + _log, Does.Not.Contain("hunter2"));
        Assert.That(Directory.Exists(System.IO.Path.Combine(root, ".terraform")), Is.False, "TF_DATA_DIR keeps .terraform/ out of the root module");
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Variables_reach_terraform_through_a_private_file_that_is_deleted_and_state_and_plans_are_owner_only()
    {
        using var scratch = new TempDirectory();
        SourceRepository.CopyTo("src/infra", scratch.Path);
        var runner = CreateRunner();
        var root = scratch.Combine("environments", "local");
        var data = scratch.Combine("data");
        var state = scratch.Combine("state", "terraform.tfstate");
        // A -var ranks above terraform.tfvars: so does the file that replaces it.
        File.WriteAllText(System.IO.Path.Combine(root, "terraform.tfvars"), "compose_project = \"from-tfvars\"\n");
        runner.Init(new TerraformInitSettings { RootModule = root, DataDirectory = data, BackendConfig = { ["path"] = state } });
        var plan = scratch.Combine("tfplan");

        runner.Plan(new TerraformPlanSettings { RootModule = root, DataDirectory = data, OutFile = plan, SecretVariables = { ["compose_project"] = "from-var" } });
        runner.Apply(new TerraformApplySettings { RootModule = root, DataDirectory = data, PlanFile = plan });
        using var outputs = runner.OutputJson(new TerraformOutputSettings { RootModule = root, DataDirectory = data });

        Assert.That(outputs.RootElement.GetProperty("deployment_target").GetProperty("value").GetProperty("compose_project").GetString(), Is.EqualTo("from-var"));
        Assert.That(Directory.EnumerateFiles(data, "*.tfvars.json"), Is.Empty, "the variables' file is deleted after the command");
        foreach (var file in new[] { plan, state })
            Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), file);
    }

    [Test]
    public void An_init_that_hangs_on_an_unresponsive_provider_mirror_is_stopped_at_the_timeout()
    {
        using var scratch = new TempDirectory();
        SourceRepository.CopyTo("src/infra", scratch.Path);
        // A mirror that accepts connections and never answers: Terraform would wait about 20 s.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var cliConfig = scratch.Write("mirror.tfrc", $"provider_installation {{\n  network_mirror {{\n    url = \"https://127.0.0.1:{port}/\"\n  }}\n}}\n");

        var failure = Assert.Throws<TerraformException>(() => CreateRunner().Init(new TerraformInitSettings
        {
            RootModule = scratch.Combine("environments", "staging"),
            DataDirectory = scratch.Combine("data"),
            Backend = false,
            ToolTimeout = TimeSpan.FromSeconds(2),
            EnvironmentVariables = { ["TF_CLI_CONFIG_FILE"] = cliConfig },
        }));

        Assert.That(failure!.TimedOut, Is.True);
        Assert.That(failure.Message, Does.Contain("terraform init did not finish within 2 s"));
    }

    // With a timeout, the process can be seen to exit before its last lines are read: init, the one
    // command run with one, then failed now and then with none of Terraform's reasons. 60 runs catch
    // a 1-in-20 loss 19 times in 20.
    [Test]
    public void A_failed_init_run_with_a_timeout_always_says_why()
    {
        using var scratch = new TempDirectory();
        var module = scratch.Write("module/main.tf", "terraform {\n  required_providers {\n    azurerm = { source = \"hashicorp/azurerm\" }\n  }\n}\n");
        // Offline: the only place to find providers is an empty directory, so init fails at once.
        var noProviders = Directory.CreateDirectory(scratch.Combine("no-providers")).FullName;
        var cliConfig = scratch.Write("offline.tfrc", $"provider_installation {{\n  filesystem_mirror {{\n    path = \"{noProviders}\"\n  }}\n}}\n");
        var runner = CreateRunner();

        var messages = Enumerable.Range(0, 60).Select(_ => Assert.Throws<TerraformException>(() => runner.Init(new TerraformInitSettings
        {
            RootModule = System.IO.Path.GetDirectoryName(module)!,
            DataDirectory = scratch.Combine("data"),
            Backend = false,
            ToolTimeout = TimeSpan.FromMinutes(1),
            EnvironmentVariables = { ["TF_CLI_CONFIG_FILE"] = cliConfig },
        }))!.Message).ToList();

        var withoutReason = messages.Where(message => !message.Contains("Error: Failed to query available provider packages")).ToList();
        Assert.That(withoutReason, Is.Empty, $"{withoutReason.Count} of {messages.Count} failed inits came without Terraform's error");
    }
}
