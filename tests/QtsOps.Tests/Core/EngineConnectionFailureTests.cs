using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

/// <summary>The docker CLI's stderr for an engine it cannot reach, as it prints it, and the fix each cause gets.</summary>
[Category("Core")]
public class EngineConnectionFailureTests
{
    // The docker CLI's own wrapping of SSH's message (docker 28, taken from a real run).
    private static string ThroughSsh(string sshSays, string login = "-l nobody -- no-such-host.invalid") =>
        $"error during connect: Get \"http://docker.example.com/v1.50/info\": command [ssh -o ConnectTimeout=30 -T {login} docker system dial-stdio] has exited with exit status 255, make sure the URL is valid, and Docker 18.09 or later is installed on the remote host: stderr={sshSays}";

    [Test]
    public void An_unknown_host_says_the_name_cannot_be_resolved()
    {
        var failure = EngineConnectionFailure.Explain("ssh://nobody@no-such-host.invalid",
            ["", ThroughSsh("ssh: Could not resolve hostname no-such-host.invalid: Name or service not known")]);

        Assert.That(failure.Cause, Is.EqualTo("the host name no-such-host.invalid cannot be resolved (ssh: Could not resolve hostname no-such-host.invalid: Name or service not known)"));
        Assert.That(failure.Fix, Does.Contain("correct the host in ssh://nobody@no-such-host.invalid").And.Contain("/etc/hosts").And.Not.Contain("systemctl"));
    }

    [Test]
    public void A_refused_connection_names_the_ssh_server_and_its_port()
    {
        var failure = EngineConnectionFailure.Explain("ssh://root@127.0.0.1:1", [ThroughSsh("ssh: connect to host 127.0.0.1 port 1: Connection refused", "-l root -p 1 -- 127.0.0.1")]);

        Assert.That(failure.Cause, Is.EqualTo("nothing accepts SSH connections on 127.0.0.1 port 1 (ssh: connect to host 127.0.0.1 port 1: Connection refused)"));
        Assert.That(failure.Fix, Does.Contain("start the SSH server on 127.0.0.1").And.Contain("ssh://root@127.0.0.1:PORT").And.Not.Contain("docker"));
    }

    [Test]
    public void A_refused_key_says_which_login_to_give_a_key()
    {
        var failure = EngineConnectionFailure.Explain("ssh://deploy@build.invalid", [ThroughSsh("deploy@build.invalid: Permission denied (publickey).")]);

        Assert.That(failure.Cause, Is.EqualTo("build.invalid refused the SSH login as deploy (deploy@build.invalid: Permission denied (publickey).)"));
        Assert.That(failure.Fix, Does.Contain("QTSOPS_SSH_KEY_FILE=KEYFILE").And.Contain("QTSOPS_SSH_KEY ").And.Contain("ssh-add").And.Contain("ssh-copy-id -i KEYFILE deploy@build.invalid").And.Contain("ssh deploy@build.invalid docker version"));
    }

    [Test]
    public void An_unknown_host_key_says_to_check_and_accept_it_once()
    {
        var failure = EngineConnectionFailure.Explain("ssh://deploy@build.invalid:2222", [ThroughSsh("Host key verification failed.")]);

        Assert.That(failure.Cause, Does.StartWith("build.invalid's SSH host key is not in known_hosts"));
        Assert.That(failure.Fix, Does.Contain("ssh -p 2222 deploy@build.invalid").And.Contain("fingerprint"));
    }

    [Test]
    public void A_changed_host_key_is_not_waved_through()
    {
        string[] stderr =
        [
            ThroughSsh("@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@"),
            "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
            "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
            "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!",
            "Offending ED25519 key in /home/deploy/.ssh/known_hosts:3",
            "Host key for build.invalid has changed and you have requested strict checking.",
            "Host key verification failed.",
        ];

        var failure = EngineConnectionFailure.Explain("ssh://deploy@build.invalid", stderr);

        Assert.That(failure.Cause, Does.StartWith("build.invalid's SSH host key has changed"));
        Assert.That(failure.Fix, Does.Contain("administrator").And.Contain("ssh-keygen -R build.invalid"));
    }

    [Test]
    public void A_stopped_engine_behind_working_ssh_is_started_on_that_host()
    {
        var failure = EngineConnectionFailure.Explain("ssh://deploy@build.invalid",
            [ThroughSsh("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")]);

        Assert.That(failure.Cause, Is.EqualTo("SSH to build.invalid works, but the Docker engine there is not running"));
        Assert.That(failure.Fix, Is.EqualTo("start it on build.invalid: ssh deploy@build.invalid sudo systemctl start docker."));
    }

    [Test]
    public void This_machine_s_engine_is_started_here()
    {
        var failure = EngineConnectionFailure.Explain(null, ["Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"]);

        Assert.That(failure.Cause, Does.Contain("Cannot connect to the Docker daemon"));
        Assert.That(failure.Fix, Does.StartWith("start the engine (systemctl start docker, or dockerd)"));
    }

    // What ssh prints before its error when the docker CLI runs it without a terminal.
    private const string SshNotice = "Pseudo-terminal will not be allocated because stdin is not a terminal.";

    private const string WhereHostIsSet = "--docker-host, QTSOPS_DOCKER_HOST or environments.json 'dockerHost'";

    [Test]
    public void This_machine_s_engine_quotes_the_first_two_lines_docker_printed()
    {
        var failure = EngineConnectionFailure.Explain(null, ["  error during connect: Get http://docker/v1.50/info  ", "", "dial unix /var/run/docker.sock: connect: no such file or directory", "a third line"]);

        Assert.That(failure, Is.EqualTo(new EngineConnectionFailure(
            "docker said: error during connect: Get http://docker/v1.50/info dial unix /var/run/docker.sock: connect: no such file or directory",
            $"start the engine (systemctl start docker, or dockerd), or point {WhereHostIsSet} at a running one.")));
    }

    [Test]
    public void An_ssh_failure_of_no_known_kind_quotes_docker_and_says_how_to_try_the_connection_by_hand()
    {
        var failure = EngineConnectionFailure.Explain("ssh://deploy@build.invalid:2222", [ThroughSsh("kex_exchange_identification: read: Connection reset by peer"), "second line", "third line"]);

        Assert.That(failure.Cause, Is.EqualTo($"docker said: {ThroughSsh("kex_exchange_identification: read: Connection reset by peer")} second line"));
        Assert.That(failure.Fix, Is.EqualTo($"check that ssh -p 2222 deploy@build.invalid docker version works from this machine, or point {WhereHostIsSet} at a running engine."));
    }

    [Test]
    public void A_refused_connection_to_a_url_without_a_user_quotes_ssh_s_own_line_and_logs_in_as_this_user()
    {
        var failure = EngineConnectionFailure.Explain("ssh://build.invalid", [SshNotice, "ssh: connect to host build.invalid port 22: Connection refused"]);

        Assert.That(failure.Cause, Is.EqualTo("nothing accepts SSH connections on build.invalid port 22 (ssh: connect to host build.invalid port 22: Connection refused)"));
        Assert.That(failure.Fix, Is.EqualTo("start the SSH server on build.invalid (systemctl start ssh), or give the port it listens on in the URL (ssh://build.invalid:PORT)."));
    }

    [Test]
    public void A_refused_login_without_a_user_in_the_url_is_that_of_this_user()
    {
        var failure = EngineConnectionFailure.Explain("ssh://build.invalid", [SshNotice, "root@build.invalid: Permission denied (publickey)."]);

        Assert.That(failure.Cause, Is.EqualTo("build.invalid refused the SSH login as this user (root@build.invalid: Permission denied (publickey).)"));
        Assert.That(failure.Fix, Is.EqualTo("give this run a key build.invalid accepts (QTSOPS_SSH_KEY_FILE=KEYFILE, QTSOPS_SSH_KEY with the key's text, or your ssh agent: ssh-add KEYFILE), " +
            "or install that key's public half there (ssh-copy-id -i KEYFILE build.invalid); check with ssh build.invalid docker version."));
    }

    [Test]
    public void An_unknown_host_name_quotes_the_line_that_says_so()
    {
        var failure = EngineConnectionFailure.Explain("ssh://deploy@no-such-host.invalid", [SshNotice, "ssh: Could not resolve hostname no-such-host.invalid: Name or service not known"]);

        Assert.That(failure.Cause, Is.EqualTo("the host name no-such-host.invalid cannot be resolved (ssh: Could not resolve hostname no-such-host.invalid: Name or service not known)"));
    }

    [Test]
    public void A_changed_host_key_on_another_port_is_removed_by_its_bracketed_known_hosts_name()
    {
        var failure = EngineConnectionFailure.Explain("ssh://deploy@build.invalid:2222", [ThroughSsh("@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @")]);

        Assert.That(failure.Fix, Is.EqualTo("ask build.invalid's administrator whether its key changed; only then remove the old key (ssh-keygen -R '[build.invalid]:2222') and accept the new one with ssh -p 2222 deploy@build.invalid."));
    }
}
