using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.IO;
using Cake.Core.Tooling;
using QtsOps.Host;
using QtsOps.Tools;
using QtsOps.Tools.Docker;
using QtsOps.Tools.Git;
using QtsOps.Tools.Ssh;
using QtsOps.Tools.Terraform;

namespace QtsOps.Tests.Tools;

/// <summary>
/// Each runner starts a real child, a script in the tool's place that writes its whole environment to a
/// file: the pipeline's secrets are not in it unless that child reads them, and what it needs is.
/// </summary>
[NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")] // sets process environment variables; the printer is a shell script
public class ChildEnvironmentTests
{
    private static readonly Dictionary<string, string> Secrets = new()
    {
        ["QTSOPS_SSH_KEY"] = "-----BEGIN " + "OPENSSH PRIVATE KEY-----child-test", // split, so that the repository's own secret scan does not take it for a key
        ["QTSOPS_REGISTRY_PASSWORD"] = "registry-password-child-test",
        ["QTSOPS_NOTIFY_WEBHOOK"] = "https://hooks.example/child-test",
        ["QTSOPS_GIT_TOKEN"] = "git-token-child-test",
        ["QTSOPS_SIGNING_KEY"] = "signing-key-child-test",
        ["ARM_CLIENT_SECRET"] = "arm-secret-child-test",
    };

    private TempDirectory _scratch = null!;
    private EnvironmentVariableScope _environment = null!;
    private string _printer = "";

    [SetUp]
    public void SetSecretsAndWriteThePrinter()
    {
        _scratch = new TempDirectory();
        _environment = new EnvironmentVariableScope().Set("DOCKER_CONTEXT", "default").Set("TF_LOG", "").Set("GIT_AUTHOR_NAME", "child test");
        foreach (var (name, value) in Secrets) _environment.Set(name, value);
        _printer = _scratch.Combine("print-environment");
        File.WriteAllText(_printer, $"#!/bin/sh\nenv -0 > '{_scratch.Combine("environment")}'\n");
        File.SetUnixFileMode(_printer, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [TearDown]
    public void PutTheEnvironmentBack()
    {
        _environment.Dispose();
        _scratch.Dispose();
    }

    /// <summary>What the last child printed: NUL-separated, as a value may hold newlines.</summary>
    private Dictionary<string, string> Printed() =>
        File.ReadAllText(_scratch.Combine("environment")).Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);

    private static void AssertNoSecret(Dictionary<string, string> printed, params string[] except)
    {
        foreach (var (name, value) in Secrets.Where(s => !except.Contains(s.Key)))
        {
            Assert.That(printed.Keys, Does.Not.Contain(name));
            Assert.That(printed.Values, Has.None.Contains(value), name);
        }
    }

    [Test]
    public void Docker_gets_its_own_variables_and_the_given_ones_and_no_secret()
    {
        new DockerRunner(CakeContexts.Create(new StringWriter())).Run(new DockerInfoSettings { ToolPath = _printer, Host = "unix:///run/child-test.sock" });

        var printed = Printed();
        AssertNoSecret(printed);
        Assert.That(printed["DOCKER_HOST"], Is.EqualTo("unix:///run/child-test.sock"));
        Assert.That(printed["DOCKER_CONTEXT"], Is.EqualTo("default"));
        Assert.That(printed["PATH"], Is.EqualTo(Environment.GetEnvironmentVariable("PATH")));
        Assert.That(printed.Keys, Does.Not.Contain("GIT_AUTHOR_NAME"), "another program's variable");
    }

    [Test]
    public void Compose_gets_the_variables_its_files_interpolate_and_no_secret_to_substitute()
    {
        var settings = new DockerComposeUpSettings { ToolPath = _printer, ProjectName = "child-test", Variables = { ["QTS_OBSERVER_IMAGE"] = "qts-observer:1.2.3" } };

        new DockerComposeRunner(CakeContexts.Create(new StringWriter()), ComposeVariant.Standalone).Run(settings);

        var printed = Printed();
        AssertNoSecret(printed);
        Assert.That(printed["QTS_OBSERVER_IMAGE"], Is.EqualTo("qts-observer:1.2.3"));
    }

    [Test]
    public void Terraform_gets_the_azure_credentials_and_no_other_secret()
    {
        var context = CakeContexts.Create(new StringWriter());
        var runner = new TerraformRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log);

        runner.Validate(new TerraformValidateSettings { ToolPath = _printer });

        var printed = Printed();
        AssertNoSecret(printed, except: "ARM_CLIENT_SECRET");
        Assert.That(printed["ARM_CLIENT_SECRET"], Is.EqualTo(Secrets["ARM_CLIENT_SECRET"]), "the azurerm provider logs in with it");
        Assert.That(printed["TF_IN_AUTOMATION"], Is.EqualTo("1"));
        Assert.That(printed.Keys, Does.Contain("TF_LOG"));
    }

    [Test]
    public void Git_gets_its_own_variables_and_the_token_it_is_given_and_no_other_secret()
    {
        new GitRunner(CakeContexts.Create(new StringWriter())).RemoteTags(new GitRemoteTagsSettings
        {
            ToolPath = _printer, Remote = "origin", HttpsCredential = new GitHttpsCredential("https://git.example/observer.git", "token-given-to-git"),
        });

        var printed = Printed();
        AssertNoSecret(printed);
        Assert.That(printed.Values, Does.Contain("token-given-to-git"));
        Assert.That(printed["GIT_TERMINAL_PROMPT"], Is.EqualTo("0"));
        Assert.That(printed["GIT_AUTHOR_NAME"], Is.EqualTo("child test"));
    }

    [Test]
    public void The_ssh_client_of_the_host_scripts_gets_no_secret()
    {
        var run = ScriptRunner.Run(new SshCommand(_printer, "qtsops@host.invalid", null, "true", []), TimeSpan.FromMinutes(1));

        Assert.That(run.ExitCode, Is.Zero, string.Join("\n", run.Error));
        var printed = Printed();
        AssertNoSecret(printed);
        Assert.That(printed["HOME"], Is.EqualTo(Environment.GetEnvironmentVariable("HOME")));
    }
}
