using QtsOps.Core.Swarm;
using QtsOps.Tests.Docker;
using QtsOps.Tests.Core;

namespace QtsOps.Tests.Tools;

/// <summary>
/// The stack file as the real Docker CLI's loader reads it: `docker stack config` runs the loader and
/// schema of `docker stack deploy` without a swarm. Not Core: it runs the docker program (no engine needed).
/// </summary>
public class SwarmStackLoaderTests
{
    /// <summary>What `docker stack deploy` ignores on a service (docker/cli cli/compose/types UnsupportedProperties), and what it deprecated.</summary>
    private static readonly string[] Ignored =
    [
        "build", "cgroupns_mode", "cgroup_parent", "devices", "domainname", "external_links", "ipc", "links", "mac_address",
        "network_mode", "pid", "privileged", "restart", "security_opt", "shm_size", "userns_mode", "container_name", "expose",
    ];

    private static Command.Result Config(StackFile stack, TempDirectory folder)
    {
        var file = folder.Write(SwarmStack.FileName, stack.Text);
        foreach (var (name, text) in stack.Files) folder.Write(name, text);
        return Command.Run("docker", "stack", "config", "--compose-file", file);
    }

    [TestCase("\"replicas\": 2,", "\"replicas\": 2,")]
    [TestCase("\"replicas\": 2,", "\"mode\": \"global\",")]
    public void Docker_s_stack_loader_reads_the_stack_file_whole_with_nothing_it_would_ignore(string replace, string with)
    {
        using var folder = new TempDirectory();

        var loaded = Config(SwarmStackInputs.Write(SwarmStackInputs.Cluster(replace, with)), folder).EnsureSuccess("docker stack config");

        var services = loaded.Output.SkipWhile(line => line != "services:").TakeWhile(line => line.Length == 0 || line.StartsWith(' ')).ToList();
        Assert.That(services.Where(line => line.StartsWith("    ") && !line.StartsWith("     ")).Select(line => line.Trim().Split(':')[0]), Has.None.AnyOf(Ignored));
        Assert.That(loaded.Output.Count(line => line.Trim() == "- mode: host"), Is.EqualTo(1), "the edge's port, in host mode");
        Assert.That(loaded.Output.Count(line => line.Trim() == "endpoint_mode: dnsrr"), Is.EqualTo(1));
        Assert.That(loaded.Output.Any(line => line.Trim().StartsWith("image: ") && line.Contains("@sha256:")), Is.True);
        Assert.That(string.Join('\n', loaded.Output), Does.Contain($"file: {folder.Combine(SwarmStack.EdgeConfigFile)}"), "the edge's configuration is found beside the stack file");
    }

    [Test]
    public void A_value_from_a_variable_stays_the_string_it_was_where_the_loader_would_read_a_number()
    {
        using var folder = new TempDirectory();

        var loaded = Config(SwarmStackInputs.Write(release: "1.10"), folder).EnsureSuccess("docker stack config");

        Assert.That(loaded.Output.Select(line => line.Trim()), Does.Contain("io.qtsops.release: \"1.10\"").And.Not.Contain("io.qtsops.release: \"1.1\""));
        Assert.That(loaded.Output.Select(line => line.Trim()), Does.Contain("interval: 10s"));
    }

    /// <summary>The check can fail: the loader refuses what the schema does not allow.</summary>
    [Test]
    public void The_loader_refuses_a_stack_file_it_cannot_deploy()
    {
        using var folder = new TempDirectory();
        var stack = SwarmStackInputs.Write();
        var broken = stack with { Text = stack.Text.Replace("endpoint_mode: dnsrr", "endpoint_mode: dnsrr\n      replicas_per_node: 1") };

        var loaded = Config(broken, folder);

        Assert.That(loaded.ExitCode, Is.Not.Zero);
        Assert.That(loaded.Error, Does.Contain("replicas_per_node"));
    }
}
