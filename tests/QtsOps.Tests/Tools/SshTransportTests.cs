using System.Runtime.Versioning;
using QtsOps.Build;
using QtsOps.Build.Deployment;
using QtsOps.Tools.Docker;

namespace QtsOps.Tests.Tools;

/// <summary>The ssh wrapper the docker CLI runs for an ssh:// engine, and the files it writes for one run.</summary>
[NonParallelizable, UnsupportedOSPlatform("windows")] // TMPDIR is process-wide; the wrapper is a shell script
public class SshTransportTests
{
    private const UnixFileMode UserReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// The connection options the run decides whatever ~/.ssh/config says: its own master, with its socket in the
    /// run's directory, each connection it opens written down (for the deploy's cost), a bounded connect, keep-alives.
    /// </summary>
    private static string RunsOwnConnection(string directory) =>
        $"'-o' 'ControlMaster=auto' '-o' 'ControlPath={directory}/mux-%C' '-o' 'ControlPersist=yes' " + CountsConnections(directory) +
        "'-o' 'ConnectTimeout=15' '-o' 'ServerAliveInterval=15' '-o' 'ServerAliveCountMax=4' ";

    private static string CountsConnections(string directory) =>
        $"'-o' 'PermitLocalCommand=yes' '-o' 'LocalCommand=echo %n:%p >> '\\''{directory}/connections'\\''' ";

    private TempDirectory _temp = null!;
    private EnvironmentVariableScope _variables = null!;
    private string _searchPath = "";

    [SetUp]
    public void PointTempAtAFolderOfItsOwn()
    {
        _temp = new TempDirectory();
        _variables = new EnvironmentVariableScope().Set("TMPDIR", _temp.Path);
        // A stand-in for the OpenSSH client, so that the wrapper's target is known.
        _searchPath = _temp.Combine("bin");
        _temp.Write("bin/ssh", "");
    }

    [TearDown]
    public void Restore()
    {
        _variables.Dispose();
        _temp.Dispose();
    }

    [Test, Platform("Linux")]
    public void A_process_that_ended_but_was_not_collected_by_its_parent_yet_no_longer_runs()
    {
        // sh starts a child and becomes sleep, which never collects it: the child, ended after sh became sleep (sh itself may collect a
        // child that ended before), stays a zombie until sleep ends, as a run's ssh master (init's child) stays one until init collects it.
        using var parent = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", "sleep 0.3 & echo $!; exec sleep 60"]) { RedirectStandardOutput = true })!;
        try
        {
            var child = int.Parse(parent.StandardOutput.ReadLine()!);
            for (var tries = 0; tries < 500 && !File.ReadAllText($"/proc/{child}/stat").Contains(") Z ", StringComparison.Ordinal); tries++) Thread.Sleep(10);
            Assert.That(File.ReadAllText($"/proc/{child}/stat"), Does.Contain(") Z "), "the child is a zombie");

            Assert.That(SshTransport.IsRunning(child), Is.False, "ended: it holds nothing any more");
            Assert.That(SshTransport.IsRunning(parent.Id), Is.True);
        }
        finally
        {
            parent.Kill();
        }
    }

    [Test]
    public void Key_and_known_hosts_text_go_into_a_private_temporary_directory_that_dispose_deletes()
    {
        var transport = new SshTransport("-----BEGIN KEY-----\r\nc2VjcmV0\r\n-----END KEY-----", null, "[h]:2222 ssh-ed25519 AAAA", _searchPath);

        var path = transport.ProcessVariables()["PATH"];

        var directory = transport.Directory!;
        Assert.That(Path.GetDirectoryName(directory), Is.EqualTo(_temp.Path.TrimEnd('/')));
        Assert.That(path, Is.EqualTo($"{directory}:{_searchPath}"), "the wrapper comes first");
        Assert.That(File.GetUnixFileMode(directory), Is.EqualTo(UserReadWrite | UnixFileMode.UserExecute));
        Assert.That(File.GetUnixFileMode(Path.Combine(directory, "id")), Is.EqualTo(UserReadWrite));
        Assert.That(File.GetUnixFileMode(Path.Combine(directory, "known_hosts")), Is.EqualTo(UserReadWrite));
        Assert.That(File.ReadAllText(Path.Combine(directory, "id")), Is.EqualTo("-----BEGIN KEY-----\nc2VjcmV0\n-----END KEY-----\n"), "OpenSSH reads only LF lines ending in a newline");
        Assert.That(File.ReadAllText(Path.Combine(directory, "ssh")), Is.EqualTo(
            $"#!/bin/sh\nexec '{_searchPath}/ssh' '-o' 'StrictHostKeyChecking=yes' '-o' 'BatchMode=yes' {RunsOwnConnection(directory)}'-i' '{directory}/id' '-o' 'IdentitiesOnly=yes' " +
            $"'-o' 'UserKnownHostsFile={directory}/known_hosts' \"$@\"\n"));

        transport.Dispose();

        Assert.That(Directory.Exists(directory), Is.False);
    }

    [Test]
    public void Without_ssh_settings_the_users_own_setup_is_used_but_host_keys_are_still_checked()
    {
        using var transport = new SshTransport(null, null, null, _searchPath);
        transport.ProcessVariables();

        Assert.That(File.ReadAllText(Path.Combine(transport.Directory!, "ssh")),
            Is.EqualTo($"#!/bin/sh\nexec '{_searchPath}/ssh' '-o' 'StrictHostKeyChecking=yes' '-o' 'BatchMode=yes' {RunsOwnConnection(transport.Directory!)}\"$@\"\n"));
        Assert.That(Directory.GetFiles(transport.Directory!).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { SshTransport.ProcessFile, "ssh" }));
        Assert.That(File.ReadAllText(Path.Combine(transport.Directory!, SshTransport.ProcessFile)), Is.EqualTo($"{Environment.ProcessId}\n"));
    }

    [Test]
    public void The_directories_of_runs_whose_process_is_gone_are_deleted_when_the_next_run_writes_its_own()
    {
        using var ended = System.Diagnostics.Process.Start("true")!;
        ended.WaitForExit();
        var killed = LeftDirectory("killed", ended.Id.ToString());
        var running = LeftDirectory("running", Environment.ProcessId.ToString());
        var beingMade = LeftDirectory("being-made", null);

        using var transport = new SshTransport("key", null, null, _searchPath);
        transport.ProcessVariables();

        Assert.That(killed, Does.Not.Exist, "its process is gone: its key is deleted");
        Assert.That(running, Does.Exist, "a live run's");
        Assert.That(beingMade, Does.Exist, "one that does not name its run yet");
        Assert.That(transport.Directory, Does.Exist);
    }

    /// <summary>A run's directory with a key in it, naming <paramref name="pid"/> (or nothing).</summary>
    private string LeftDirectory(string name, string? pid)
    {
        var directory = _temp.Combine(SshTransport.DirectoryPrefix + name);
        _temp.Write($"{SshTransport.DirectoryPrefix}{name}/id", "key");
        if (pid is not null) _temp.Write($"{SshTransport.DirectoryPrefix}{name}/{SshTransport.ProcessFile}", pid + "\n");
        return directory;
    }

    [Test]
    public void In_a_temporary_folder_too_long_for_a_master_s_socket_each_call_connects_on_its_own()
    {
        var longTemp = Directory.CreateDirectory(_temp.Combine(new string('t', SshTransport.LongestDirectoryForMaster))).FullName;
        using var variables = new EnvironmentVariableScope().Set("TMPDIR", longTemp);
        using var transport = new SshTransport(null, null, null, _searchPath);
        transport.ProcessVariables();

        Assert.That(File.ReadAllText(Path.Combine(transport.Directory!, "ssh")), Does.Contain("'-o' 'ControlMaster=no' '-o' 'ControlPath=none' " + CountsConnections(transport.Directory!) + "'-o' 'ConnectTimeout=15'"));
    }

    [Test]
    public void The_engine_s_endpoint_is_asked_as_a_counted_host_script_and_no_ssh_process_gets_the_run_s_secrets()
    {
        // The stand-in says where its engine listens, and writes down what each start of it got.
        _temp.Write("bin/ssh", $"#!/bin/sh\nenv >> '{_temp.Combine("ssh-environments")}'\necho unix:///run/engine.sock\n");
        File.SetUnixFileMode(_temp.Combine("bin", "ssh"), UserReadWrite | UnixFileMode.UserExecute);
        using var secret = new EnvironmentVariableScope().Set("QTSOPS_REGISTRY_PASSWORD", "registry-secret-of-this-run");
        var counts = new CommandCounts();

        using (var transport = new SshTransport(null, null, null, _searchPath))
            Assert.That(transport.EngineSocket("ssh://deploy@engine.invalid:2222", counts), Is.Null, "the stand-in forwards nothing");

        Assert.That(counts.HostScripts, Is.EqualTo(1), "asking the host where its engine listens is one host script");
        var seen = File.ReadAllText(_temp.Combine("ssh-environments"));
        Assert.That(seen, Does.Contain("PATH="), "the stand-in ran");
        Assert.That(seen, Does.Not.Contain("registry-secret-of-this-run"), "an ssh client needs none of the run's secrets");
    }

    [Test]
    public void A_key_given_both_as_text_and_as_a_file_is_refused_before_anything_is_written()
    {
        using var transport = new SshTransport("key", "/some/key", null, _searchPath);

        Assert.That(() => transport.ProcessVariables(), Throws.TypeOf<PipelineException>().With.Message.Contains("Both QTSOPS_SSH_KEY and QTSOPS_SSH_KEY_FILE").And.Message.Not.Contains("key,"));
        Assert.That(Directory.GetDirectories(_temp.Path, SshTransport.DirectoryPrefix + "*"), Is.Empty);
    }

    [Test]
    public void No_ssh_client_is_a_clear_error()
    {
        using var transport = new SshTransport(null, null, null, _temp.Combine("empty"));

        Assert.That(() => transport.ProcessVariables(), Throws.TypeOf<PipelineException>().With.Message.Contains("apt-get install openssh-client"));
    }

    private static DockerOutput Failed(params string[] error) => new("docker info", 1, [], error);

    [Test]
    public void A_changed_host_key_says_how_to_replace_the_pinned_one()
    {
        var refusal = SshTransport.HostKeyRefusal("ssh://deploy@staging.example:2222",
            Failed("error during connect: ... stderr=@@@@", "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @", "Host key verification failed."));

        Assert.That(refusal, Is.EqualTo("The ssh host key of staging.example:2222 differs from the key pinned for it (ssh: REMOTE HOST IDENTIFICATION HAS CHANGED), " +
            "so ssh refused to connect: nothing was run on that host. Fix: make sure of the key with the host's administrator, then pin it: " +
            "remove the old one (ssh-keygen -R '[staging.example]:2222'), then ssh-keyscan -p 2222 staging.example >> ~/.ssh/known_hosts, " +
            "or set QTSOPS_SSH_KNOWN_HOSTS to those lines (a CI secret)."));
    }

    [Test]
    public void An_unknown_host_key_says_how_to_pin_it_on_the_default_port()
    {
        var refusal = SshTransport.HostKeyRefusal("ssh://deploy@staging.example",
            Failed("stderr=No ED25519 host key is known for staging.example and you have requested strict checking.", "Host key verification failed."));

        Assert.That(refusal, Does.StartWith("The ssh host key of staging.example:22 is not pinned").And.Contain("ssh-keyscan -p 22 staging.example >> ~/.ssh/known_hosts").And.Not.Contain("ssh-keygen -R"));
    }

    [TestCase("ssh://deploy@staging.example", "Permission denied (publickey).")]
    [TestCase("tcp://127.0.0.1:2375", "Host key verification failed.")]
    public void Other_failures_are_not_host_key_refusals(string host, string error) =>
        Assert.That(SshTransport.HostKeyRefusal(host, Failed(error)), Is.Null);
}
