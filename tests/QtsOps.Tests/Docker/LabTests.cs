using QtsOps.Core.Testing;
using System.Diagnostics;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The lab of Docker hosts (build/lab.sh, <see cref="Lab"/>) with three nodes in a swarm, pulling from a
/// test registry on this machine, each with an sshd: one lab for the fixture, a global service on it, and
/// the lab removed last, leaving nothing behind.
/// </summary>
[TestFixture, Category("Docker"), Category(TestShards.LabCategory), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class LabTests
{
    private const string Username = "lab";
    private static readonly string Password = Guid.NewGuid().ToString("N");
    private const string Service = "probe";
    private const int ServicePort = 8080;
    private RegistryServer _registry = null!;
    private TempDirectory _dockerConfig = null!;
    private Lab _lab = null!;
    private string _tag = "";
    private string _pinned = "";

    [OneTimeSetUp]
    public void StartRegistryLabAndService()
    {
        _registry = new RegistryServer(Username, Password);
        // The logins go to a docker config of this fixture's, not the user's.
        _dockerConfig = new TempDirectory();
        _lab = new Lab(nodes: 3, swarm: true, registry: _registry.Address, ssh: true);

        _tag = $"{_registry.Address}/qtsops-lab-test/python:{_lab.Name}";
        Command.Run("docker", "tag", SshTestHost.PythonBaseImage(), _tag).EnsureSuccess($"Tagging {_tag}");
        Docker(null, "login", "--username", Username, "--password", Password, _registry.Address).EnsureSuccess("Logging in to the test registry here");
        Docker(null, "push", "--quiet", _tag).EnsureSuccess($"Pushing {_tag}");
        var repository = _tag[.._tag.LastIndexOf(':')];
        _pinned = Command.Run("docker", "image", "inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}", _tag)
            .EnsureSuccess($"Reading the digest of {_tag}").Output.Single(digest => digest.StartsWith(repository + "@sha256:"));

        // Each node's /srv/probe/node says which node's folder it is (written here, in the folder that is the node's /srv).
        foreach (var node in _lab.Nodes)
        {
            Directory.CreateDirectory(Path.Combine(node.Srv, "probe"));
            File.WriteAllText(Path.Combine(node.Srv, "probe", "node"), node.Name);
        }
        var manager = _lab.Manager;
        Docker(manager, "login", "--username", Username, "--password", Password, _registry.Address).EnsureSuccess("Logging in to the test registry on the manager");
        Docker(manager, "network", "create", "--driver", "overlay", "probe-net").EnsureSuccess("Creating the overlay network");
        // One task per node, in host mode (no routing mesh here), no VIP; python's http.server stops at SIGINT, not SIGTERM.
        Docker(manager, "service", "create", "--detach", "--with-registry-auth", "--name", Service, "--mode", "global",
            "--network", "probe-net", "--endpoint-mode", "dnsrr", "--publish", $"mode=host,published={ServicePort},target={ServicePort}",
            "--mount", "type=bind,source=/srv/probe,target=/www,readonly", "--stop-signal", "SIGINT",
            _pinned, "python3", "-m", "http.server", ServicePort.ToString(), "--directory", "/www").EnsureSuccess("Creating the service");
        WaitForTasksServing();
    }

    [OneTimeTearDown]
    public void RemoveEverything()
    {
        _lab?.Dispose();
        if (_tag != "") Command.Run("docker", "image", "rm", _tag);
        _registry?.Dispose();
        _dockerConfig?.Dispose();
    }

    /// <summary>The docker CLI with this fixture's config, against a node's engine or (null) this machine's.</summary>
    private Command.Result Docker(Lab.Node? node, params string[] args) =>
        Command.Run("docker", ["--config", _dockerConfig.Path, .. node is null ? [] : new[] { "-H", node.DockerHost }, .. args]);

    /// <summary>
    /// Until every task runs and its server listens (a running task's python is still starting). Bounded:
    /// a task that cannot start (no image, a missing bind source) never runs, and the wait fails with the engine's words.
    /// </summary>
    private void WaitForTasksServing()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var states = _lab.Manager.Docker("service", "ps", Service, "--filter", "desired-state=running", "--format", "{{.CurrentState}}").EnsureSuccess("Listing the tasks").Output;
            if (states.Count == _lab.Nodes.Count && states.All(state => state.StartsWith("Running")) && _lab.Nodes.All(node => Answers(http, node))) return;
            Thread.Sleep(500);
        }
        Assert.Fail("The service's tasks did not all serve: " + string.Join("\n", _lab.Manager.Docker("service", "ps", "--no-trunc", Service).Output));
    }

    private static bool Answers(HttpClient http, Lab.Node node)
    {
        try { return http.GetAsync($"http://{node.Address}:{ServicePort}/").Result.IsSuccessStatusCode; }
        catch (AggregateException) { return false; }
    }

    [Test, Order(1)]
    public void The_swarm_has_one_manager_and_two_workers_all_ready_each_named_by_its_own_hostname()
    {
        var nodes = _lab.Manager.Docker("node", "ls", "--format", "{{.Hostname}} {{.Status}} {{.ManagerStatus}}").EnsureSuccess("Listing the nodes").Output;

        Assert.That(nodes, Is.EquivalentTo(_lab.Nodes.Select(node => node == _lab.Manager ? $"{node.Name} Ready Leader" : $"{node.Name} Ready ")));
        foreach (var node in _lab.Nodes)
            Assert.That(node.Docker("info", "--format", "{{.Name}}").EnsureSuccess("docker info").Output, Is.EqualTo(new[] { node.Name }), "each engine runs under its node's hostname");
    }

    [Test, Order(2)]
    public void A_global_service_published_in_host_mode_answers_at_every_nodes_bridge_address_from_its_own_srv()
    {
        using var http = new HttpClient();

        foreach (var node in _lab.Nodes)
            Assert.That(http.GetStringAsync($"http://{node.Address}:{ServicePort}/node").Result, Is.EqualTo(node.Name), $"the task on {node.Name} serves that node's /srv/probe");
    }

    [Test, Order(3)]
    public void The_tasks_reach_each_other_over_the_overlay_network_by_dns_round_robin()
    {
        var task = _lab.Manager.Docker("ps", "--quiet", "--filter", $"label=com.docker.swarm.service.name={Service}").EnsureSuccess("Finding the manager's task").Output.Single();
        const string askEveryTask = """
            import socket, urllib.request
            for address in sorted({entry[4][0] for entry in socket.getaddrinfo("tasks.probe", 8080, proto=socket.IPPROTO_TCP)}):
                print(urllib.request.urlopen(f"http://{address}:8080/node", timeout=10).read().decode())
            """;

        var answers = _lab.Manager.Docker("exec", task, "python3", "-c", askEveryTask).EnsureSuccess("Asking every task from the manager's").Output;

        Assert.That(answers, Is.EquivalentTo(_lab.Nodes.Select(node => node.Name)), "tasks.probe names one task per node, each reached across the bridge");
    }

    [Test, Order(4)]
    public void Every_node_pulled_the_image_pinned_by_digest_from_the_test_registry()
    {
        foreach (var node in _lab.Nodes)
        {
            var digests = node.Docker("image", "inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}", _pinned).EnsureSuccess($"Inspecting the image on {node.Name}").Output;
            Assert.That(digests, Does.Contain(_pinned), $"{node.Name} has the image from {_registry.Address}");
        }
        Assert.That(_lab.Manager.Docker("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", Service).Output, Is.EqualTo(new[] { _pinned }));
    }

    [Test, Order(5)]
    public void A_bind_mount_of_srv_is_the_nodes_own_folder()
    {
        // Every node writes the same path; shared folders would leave one file, holding the last node's name.
        foreach (var node in _lab.Nodes)
            node.Docker("run", "--rm", "--pull", "never", "--volume", "/srv:/node-srv", _pinned, "sh", "-c", $"echo {node.Name} > /node-srv/written-here")
                .EnsureSuccess($"Writing /srv/written-here on {node.Name}");

        foreach (var node in _lab.Nodes)
            Assert.That(File.ReadAllText(Path.Combine(node.Srv, "written-here")).Trim(), Is.EqualTo(node.Name), $"{node.Name}'s /srv is {node.Srv}");
        Assert.That(File.Exists("/srv/written-here"), Is.False, "this machine's /srv is none of the nodes'");
    }

    [Test, Order(6)]
    public void Every_node_answers_ssh_at_its_address_in_its_own_namespaces_with_its_engine()
    {
        foreach (var node in _lab.Nodes)
        {
            var login = _lab.Ssh(node, "hostname; echo \"$(cat /srv/probe/node)\"; docker info --format '{{.Name}} {{.Swarm.NodeAddr}}'");

            Assert.That(login.ExitCode, Is.Zero, login.Error);
            Assert.That(login.Output, Is.EqualTo(new[] { node.Name, node.Name, $"{node.Name} {node.Address}" }), "its hostname, its /srv and its engine");
        }
    }

    [Test, Order(7)]
    public void Status_lists_every_node_with_its_answering_engine_and_swarm_role()
    {
        var status = _lab.Status();

        Assert.That(status.ExitCode, Is.Zero, status.Error);
        Assert.That(status.Output, Has.Some.StartsWith($"bridge: {_lab.Bridge} "));
        foreach (var node in _lab.Nodes)
        {
            var role = node == _lab.Manager ? "active (manager)" : "active";
            Assert.That(status.Output, Has.One.EqualTo($"{node.Name}: namespace {node.Namespace}, dockerd {node.DaemonPid} answers on {node.DockerHost}, swarm: {role}"));
        }
    }

    [Test, Order(8)]
    public void Down_leaves_nothing_behind()
    {
        DisposeLeavingNothing(_lab);

        Assert.That(_lab.Status().ExitCode, Is.EqualTo(3), "status finds nothing");
        Assert.That(Docker(null, "login", "--username", Username, "--password", Password, _registry.Address).ExitCode, Is.Zero, "the registry the lab found answering is left alone");
    }

    [Test, Order(9)]
    public void Down_removes_a_lab_whose_up_was_killed_half_way()
    {
        var name = $"k{Guid.NewGuid().ToString("N")[..8]}";
        using var up = Process.Start(new ProcessStartInfo(Lab.Script, ["up", "--name", name, "--nodes", "2", "--swarm"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string? bridge = null, folder = null;
        // Killed (no trap runs) once the bridge exists: what up made by then stays until down.
        for (var attempt = 0; attempt < 200 && bridge is null && !up.HasExited; attempt++)
        {
            var status = Command.Run(Lab.Script, "status", "--name", name).Output;
            bridge = status.FirstOrDefault(line => line.StartsWith("bridge: "))?.Split(' ')[1];
            folder = status.FirstOrDefault(line => line.StartsWith("folder: "))?.Split(' ')[1];
            if (bridge is null) Thread.Sleep(50);
        }
        up.Kill();
        up.WaitForExit();
        Assert.That(bridge, Is.Not.Null, "up made the bridge before it was killed");

        Command.Run(Lab.Script, "down", "--name", name).EnsureSuccess($"build/lab.sh down --name {name}");

        AssertNothingLeft(name, bridge!, folder!, []);
    }

    [Test]
    public void Up_refuses_a_lab_name_that_cannot_name_its_namespaces()
    {
        var up = Command.Run(Lab.Script, "up", "--name", "Bad_Name");

        Assert.That(up.ExitCode, Is.EqualTo(1));
        Assert.That(up.Error, Does.Contain("--name 'Bad_Name'").And.Contain("lower-case letters, digits and '-'"));
    }

    /// <summary>Removes the lab and checks that nothing of it is left.</summary>
    internal static void DisposeLeavingNothing(Lab lab)
    {
        var daemons = lab.Nodes.Select(node => node.DaemonPid).ToList();
        lab.Dispose();
        AssertNothingLeft(lab.Name, lab.Bridge, lab.Directory, daemons);
    }

    /// <summary>Nothing of lab <paramref name="name"/> exists: namespaces, bridge, veths, rules, daemons, processes, mounts, folder.</summary>
    private static void AssertNothingLeft(string name, string bridge, string directory, IEnumerable<int> daemons)
    {
        Assert.Multiple(() =>
        {
            Assert.That(Command.Run("ip", "netns", "list").Output, Has.None.Contains($"qtsops-lab-{name}-"), "network namespaces");
            // The veths here are named after the bridge.
            Assert.That(Command.Run("ip", "-o", "link", "show").Output, Has.None.Contains(bridge), "bridge and veths");
            Assert.That(Command.Run("iptables", "-S", "FORWARD").Output, Has.None.Contains($"qtsops-lab:{name}"), "iptables rules");
            Assert.That(daemons.Where(pid => Directory.Exists($"/proc/{pid}")), Is.Empty, "dockerd processes");
            Assert.That(ProcessesNaming(directory), Is.Empty, "processes of the lab (dockerd, containerd, socat, sshd)");
            Assert.That(File.ReadAllLines("/proc/self/mountinfo"), Has.None.Contains(directory), "mounts");
            Assert.That(Directory.Exists(directory), Is.False, "the lab's folder");
        });
    }

    /// <summary>The command lines of the running processes that name <paramref name="directory"/>.</summary>
    private static List<string> ProcessesNaming(string directory)
    {
        var found = new List<string>();
        foreach (var process in Directory.EnumerateDirectories("/proc").Where(path => int.TryParse(Path.GetFileName(path), out _)))
        {
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(directory + "/")) found.Add(commandLine);
            }
            catch (IOException) { } // it ended meanwhile
        }
        return found;
    }
}
