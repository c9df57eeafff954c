using QtsOps.Core.Reports;
using QtsOps.Core.Validation;
using QtsOps.Core.Validation.Terraform;

namespace QtsOps.Tests.Core;

/// <summary>Each rule on the repository's observer files with one defect put in.</summary>
[Category("Core")]
public class ObserverRulesTests
{
    private const string Dockerfile = "src/observer/Dockerfile";
    private const string Compose = "src/observer/docker-compose.yml";
    private const string Publish = "src/observer/docker-compose.publish.yml";
    private const string DeploymentConfig = "src/observer/deployment_config.json";
    private const string Resources = "      resources:\n        limits:\n          cpus: \"1.0\"\n          memory: 512M\n        reservations:\n          cpus: \"0.5\"\n          memory: 256M\n";
    private const string Dockerignore = "src/observer/.dockerignore";
    private const string HealthcheckCommand = "[\"python3\",\"-c\",\"import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health',timeout=2).status==200 else 1)\"]";

    private ScratchRepository _repo = null!;

    [SetUp]
    public void CopySources() => _repo = new ScratchRepository("src/observer");

    [TearDown]
    public void RemoveCopy() => _repo.Dispose();

    private ValidationResult Validate() => SourceValidator.Validate(_repo.Path, new TerraformFormatResult([]), _ => true);

    /// <summary>The one finding of <paramref name="rule"/>; fails when there is none or several.</summary>
    private Finding Only(string rule)
    {
        var findings = Validate().Findings;
        var matching = findings.Where(f => f.Rule == rule).ToList();
        Assert.That(matching, Has.Count.EqualTo(1), $"findings: {string.Join("\n", findings)}");
        return matching[0];
    }

    /// <summary>The Dockerfile's final stage alone, copying the sources itself.</summary>
    private void MakeOneStage() =>
        _repo.Write(Dockerfile, _repo.Read(Dockerfile)[_repo.Read(Dockerfile).IndexOf("FROM scratch\n", StringComparison.Ordinal)..]
            .Replace("FROM scratch", "FROM ${BASE_IMAGE}").Replace("COPY --from=runtime /runtime /\n", "")
            .Replace("COPY --from=build /app/src /app/src", "COPY src/ /app/src/")
            .Insert(0, "ARG BASE_IMAGE=python:3.11-slim\n"));

    private int LineOf(string file, string text) => _repo.LinesOf(file, text)[0];

    private int LastLineOf(string file, string text) => _repo.LinesOf(file, text)[^1];

    [Test]
    public void The_repository_files_have_no_findings()
    {
        Assert.That(Validate().Findings, Is.Empty);
    }

    [Test]
    public void A_variable_that_differs_names_both_files_and_both_values()
    {
        _repo.Replace(Compose, "OBSERVER_LOG_DIR: /app/logs", "OBSERVER_LOG_DIR: /var/log/qts");

        var finding = Only("env-mismatch");

        Assert.That((finding.File, finding.Line), Is.EqualTo((Compose, LineOf(Compose, "OBSERVER_LOG_DIR"))));
        Assert.That(finding.Message, Is.EqualTo($"OBSERVER_LOG_DIR is '/var/log/qts' in {Compose} but '/app/logs' in {Dockerfile}:{LineOf(Dockerfile, "ENV OBSERVER_LOG_DIR")}"));
        Assert.That(finding.Severity, Is.EqualTo("error"));
    }

    // The compose file is compared with the Dockerfile, which comes first, for each of the four variables.
    [TestCase("QTS_OBSERVER_STANDALONE", "\"1\"", "1")]
    [TestCase("PYTHONPATH", "/app/src:/app", "/app/src:/app")]
    [TestCase("OBSERVER_DATA_DIR", "/app/data/observer", "/app/data/observer")]
    [TestCase("OBSERVER_LOG_DIR", "/app/logs", "/app/logs")]
    public void Each_of_the_four_variables_must_agree_between_the_files(string variable, string composeValue, string value)
    {
        _repo.Replace(Compose, $"{variable}: {composeValue}\n", $"{variable}: /elsewhere\n");

        Assert.That(Only("env-mismatch").Message, Is.EqualTo($"{variable} is '/elsewhere' in {Compose} but '{value}' in {Dockerfile}:{LineOf(Dockerfile, $"ENV {variable}")}"));
    }

    [Test]
    public void A_variable_missing_from_deployment_config_is_named()
    {
        _repo.Replace(DeploymentConfig, "\"PYTHONPATH\": \"/app/src:/app\",", "");

        var finding = Only("env-missing");

        Assert.That((finding.File, finding.Line), Is.EqualTo((DeploymentConfig, LineOf(DeploymentConfig, "\"environment\""))));
        Assert.That(finding.Message, Does.Contain("PYTHONPATH is not set in deployment_config.json"));
    }

    [Test]
    public void A_fixed_variable_with_another_value_is_an_error()
    {
        _repo.Replace(Dockerfile, "ENV QTS_OBSERVER_STANDALONE=1", "ENV QTS_OBSERVER_STANDALONE=0");

        var findings = Validate().Findings;

        Assert.That(findings.Single(f => f.Rule == "env-value").Message, Does.Contain("QTS_OBSERVER_STANDALONE is '0' but the service needs '1'"));
        Assert.That(findings.Where(f => f.Rule == "env-mismatch").Select(f => f.File), Is.EquivalentTo(new[] { Compose, DeploymentConfig }));
    }

    [Test]
    public void Config_paths_agree_with_the_volumes_and_the_dockerfile()
    {
        _repo.Replace(Compose, "./config}:/app/config:ro", "./config}:/etc/qts:ro");
        _repo.Replace(Dockerfile, "ENV OBSERVER_CONFIG_DIR=/app/config\n", "");

        var findings = Validate().Findings.Where(f => f.Rule == "config-paths").ToList();

        Assert.That(findings.Select(f => (f.File, f.Line)), Is.EquivalentTo(new[] { (Compose, (int?)LineOf(Compose, "volumes:")), (Dockerfile, LastLineOf(Dockerfile, "FROM scratch")) }));
        Assert.That(findings.Single(f => f.File == Compose).Message, Does.Contain("no volume is mounted at /app/config").And.Contain("/etc/qts"));
        Assert.That(findings.Single(f => f.File == Dockerfile).Message, Does.Contain("never mentions /app/config"));
    }

    [Test]
    public void A_data_dir_that_differs_from_its_variable_is_named()
    {
        _repo.Replace(DeploymentConfig, "\"data_dir\": \"/app/data/observer\"", "\"data_dir\": \"/app/data\"");

        var findings = Validate().Findings.Where(f => f.Rule == "config-paths").ToList();

        Assert.That(findings.Select(f => f.Message), Has.Some.EqualTo("paths.data_dir is '/app/data' but environment.OBSERVER_DATA_DIR is '/app/data/observer'"));
        Assert.That(findings.Select(f => f.Message), Has.Some.StartsWith("no volume is mounted at /app/data "));
    }

    [Test]
    public void The_data_and_log_volumes_must_be_writable()
    {
        _repo.Replace(Compose, "./logs}:/app/logs", "./logs}:/app/logs:ro");

        var finding = Only("config-paths");

        Assert.That((finding.File, finding.Line), Is.EqualTo((Compose, (int?)LineOf(Compose, "./logs}:/app/logs:ro"))));
        Assert.That(finding.Message, Is.EqualTo("/app/logs (paths.log_dir) is mounted read-only: the service cannot write there"));
    }

    [Test]
    public void A_missing_required_file_is_named()
    {
        File.Delete(_repo.Combine("src/observer/start.sh"));

        var finding = Only("required-file");

        Assert.That((finding.File, finding.Line), Is.EqualTo(("src/observer/start.sh", (int?)null)));
    }

    [Test]
    public void Published_port_expose_and_probes_agree()
    {
        _repo.Replace(Dockerfile, "EXPOSE 8000", "EXPOSE 8001");

        var findings = Validate().Findings.Where(f => f.Rule == "port-consistency").ToList();

        Assert.That(findings.Select(f => (f.File, f.Line)), Is.EquivalentTo(new[]
        {
            (Publish, (int?)LineOf(Publish, ":8000\"")),
            (Compose, LineOf(Compose, "test: [\"CMD\"")),
            (Dockerfile, LineOf(Dockerfile, "HEALTHCHECK")),
        }));
        Assert.That(findings[0].Message, Does.Contain("EXPOSE 8001"));
    }

    [TestCase("USER qts", "", "the final stage has no USER")]
    [TestCase("USER qts", "USER root", "the last USER is root")]
    [TestCase("USER qts", "USER 0:0", "the last USER is 0:0")]
    public void The_service_does_not_run_as_root(string oldText, string newText, string message)
    {
        _repo.Replace(Dockerfile, oldText, newText);

        Assert.That(Only("dockerfile-user").Message, Does.StartWith(message));
    }

    [Test]
    public void A_healthcheck_that_cannot_fail_is_an_error_in_the_dockerfile_and_in_compose()
    {
        _repo.Replace(Dockerfile, "CMD [\"python3\",\"-c\",\"import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health',timeout=2).status==200 else 1)\"]",
            "CMD curl -f http://127.0.0.1:8000/health || exit 0");
        _repo.Replace(Compose, "test: [\"CMD\", \"python3\", \"-c\", \"import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health',timeout=2).status==200 else 1)\"]",
            "test: [\"CMD\", \"python3\", \"-c\", \"import sys; sys.exit(0)\"]");

        var findings = Validate().Findings;

        var cannotFail = findings.Where(f => f.Rule == "healthcheck-cannot-fail").ToList();
        Assert.That(cannotFail.Select(f => (f.File, f.Line)), Is.EquivalentTo(new[] { (Compose, (int?)LineOf(Compose, "test:")), (Dockerfile, LineOf(Dockerfile, "HEALTHCHECK")) }));
        Assert.That(cannotFail.Single(f => f.File == Dockerfile).Message, Does.Contain("'|| exit 0' turns every failure into success"));
        Assert.That(cannotFail.Single(f => f.File == Compose).Message, Does.Contain("'sys.exit(0)' exits 0"));
        Assert.That(findings.Single(f => f.Rule == "healthcheck-no-probe").File, Is.EqualTo(Compose));
    }

    [TestCase("HEALTHCHECK --interval", "HEALTHCHECK NONE\n#", "the HEALTHCHECK is switched off")]
    [TestCase("HEALTHCHECK --interval", "#", "the image has no HEALTHCHECK")]
    public void A_missing_or_disabled_healthcheck_is_an_error(string oldText, string newText, string message)
    {
        _repo.Replace(Dockerfile, oldText, newText);

        Assert.That(Only("healthcheck").Message, Does.StartWith(message));
    }

    [TestCase("ARG BASE_IMAGE=python:3.11-slim", "ARG BASE_IMAGE=python:latest", "python:latest (FROM ${BASE_IMAGE}) is 'latest'")]
    [TestCase("ARG BASE_IMAGE=python:3.11-slim", "ARG BASE_IMAGE=registry.local:5000/python", "registry.local:5000/python (FROM ${BASE_IMAGE}) has no tag")]
    [TestCase("ARG BASE_IMAGE=python:3.11-slim", "ARG BASE_IMAGE", "uses an ARG without a default")]
    public void The_base_image_is_pinned(string oldText, string newText, string message)
    {
        _repo.Replace(Dockerfile, oldText, newText);

        var findings = Validate().Findings.Where(f => f.Rule == "base-image-pinned").ToList();

        Assert.That(findings, Has.Count.EqualTo(2), "both stages use the base image");
        Assert.That(findings.Select(f => f.Line), Is.EquivalentTo(new int?[] { LineOf(Dockerfile, "AS build"), LastLineOf(Dockerfile, "FROM ${BASE_IMAGE}") }));
        Assert.That(findings[0].Message, Does.Contain(message));
    }

    [Test]
    public void A_digest_pins_the_base_image_and_the_compose_build_argument_must_be_pinned_too()
    {
        _repo.Replace(Dockerfile, "ARG BASE_IMAGE=python:3.11-slim", "ARG BASE_IMAGE=python@sha256:" + new string('a', 64));
        _repo.Replace(Compose, "${QTS_OBSERVER_BASE_IMAGE:-python:3.11-slim}", "${QTS_OBSERVER_BASE_IMAGE:-python}");

        var finding = Only("base-image-pinned");

        Assert.That((finding.File, finding.Line), Is.EqualTo((Compose, (int?)LineOf(Compose, "BASE_IMAGE:"))));
        Assert.That(finding.Message, Does.Contain("the build argument BASE_IMAGE gives the base image python, which has no tag"));
    }

    [Test]
    public void Privileged_docker_socket_and_missing_no_new_privileges_are_errors()
    {
        _repo.Replace(Compose, "    read_only: true", "    read_only: true\n    privileged: true");
        _repo.Replace(Compose, "./config}:/app/config:ro", "./config}:/app/config:ro\n      - /var/run/docker.sock:/var/run/docker.sock");
        _repo.Replace(Compose, "      - no-new-privileges:true", "      - apparmor:unconfined");

        var findings = Validate().Findings;

        Assert.That(findings.Single(f => f.Rule == "compose-privileged").Line, Is.EqualTo(LineOf(Compose, "privileged: true")));
        Assert.That(findings.Single(f => f.Rule == "compose-docker-socket").Line, Is.EqualTo(LineOf(Compose, "docker.sock")));
        Assert.That(findings.Single(f => f.Rule == "compose-no-new-privileges").Line, Is.EqualTo(LineOf(Compose, "security_opt:")));
    }

    // Issue 25, point 1: each way out of the container, in the service's file and in the publish file start.sh adds to it.
    [TestCase("user: root", "compose-user", "user: root runs the service as root", "user: root")]
    [TestCase("user: \"0\"", "compose-user", "user: 0 runs the service as root", "user:")]
    [TestCase("user: \"0:0\"", "compose-user", "user: 0:0 runs the service as root", "user:")]
    [TestCase("cap_add:\n      - SYS_ADMIN", "compose-cap-add", "cap_add gives the service SYS_ADMIN", "SYS_ADMIN")]
    [TestCase("cap_add: [NET_ADMIN]", "compose-cap-add", "cap_add gives the service NET_ADMIN", "cap_add")]
    [TestCase("cap_add: [ALL]", "compose-cap-add", "cap_add gives the service ALL", "cap_add")]
    [TestCase("network_mode: host", "compose-host-namespace", "network_mode: host shares the host's network", "network_mode")]
    [TestCase("pid: host", "compose-host-namespace", "pid: host shares the host's processes", "pid: host")]
    [TestCase("ipc: host", "compose-host-namespace", "ipc: host shares the host's shared memory", "ipc: host")]
    [TestCase("uts: host", "compose-host-namespace", "uts: host shares the host's host name with the service", "uts: host")]
    [TestCase("userns_mode: host", "compose-host-namespace", "userns_mode: host shares the host's user ids (no user namespace remapping) with the service", "userns_mode")]
    [TestCase("security_opt:\n      - seccomp:unconfined", "compose-unconfined", "security_opt seccomp:unconfined lifts the engine's confinement", "seccomp")]
    [TestCase("security_opt:\n      - apparmor=unconfined", "compose-unconfined", "security_opt apparmor=unconfined lifts", "apparmor")]
    [TestCase("security_opt:\n      - label=disable", "compose-unconfined", "security_opt label=disable lifts the engine's confinement", "label=disable")]
    [TestCase("devices:\n      - /dev/sda:/dev/xvda", "compose-devices", "the host device /dev/sda:/dev/xvda is given to the service", "/dev/sda")]
    [TestCase("devices:\n      - source: /dev/sda\n        target: /dev/xvda", "compose-devices", "the host device /dev/sda is given to the service", "source: /dev/sda")]
    [TestCase("device_cgroup_rules:\n      - 'c 1:3 mr'", "compose-devices", "the host device c 1:3 mr is given to the service", "c 1:3 mr")]
    [TestCase("volumes:\n      - /srv/.././etc:/x", "compose-host-mount", "the host's /etc is mounted at /x", "/srv/.././etc")]
    [TestCase("volumes:\n      - /../etc:/x", "compose-host-mount", "the host's /etc is mounted at /x", "/../etc")]
    [TestCase("volumes:\n      - /:/host", "compose-host-mount", "the host's / is mounted at /host", "/:/host")]
    [TestCase("volumes:\n      - /etc:/host/etc:ro", "compose-host-mount", "the host's /etc is mounted at /host/etc: whoever controls the container can read the host's system files", "/etc:")]
    [TestCase("volumes:\n      - /proc/sys:/p", "compose-host-mount", "the host's /proc/sys is mounted at /p", "/proc/sys")]
    [TestCase("volumes:\n      - /sys/:/s", "compose-host-mount", "the host's /sys is mounted at /s", "/sys/")]
    [TestCase("volumes:\n      - ${HOME_DIR:-/root}:/home", "compose-host-mount", "the host's /root is mounted at /home: whoever controls the container can read and change", "/root")]
    [TestCase("volumes:\n      - /var/run/docker.sock:/var/run/docker.sock", "compose-docker-socket", "the Docker socket is mounted", "docker.sock")]
    [TestCase("volumes:\n      - type: bind\n        source: /var/lib/docker/volumes\n        target: /v", "compose-host-mount", "the host's /var/lib/docker/volumes is mounted at /v", "type: bind")]
    [TestCase("volumes:\n      - type: bind\n        source: /run/docker.sock\n        target: /s", "compose-docker-socket", "the Docker socket is mounted", "type: bind")]
    public void Host_access_is_an_error_at_its_line_in_both_compose_files(string setting, string rule, string message, string lineMarker)
    {
        foreach (var (file, anchor) in new[] { (Compose, "    restart: unless-stopped\n"), (Publish, "  qts-observer:\n") })
        {
            using var repo = new ScratchRepository("src/observer");
            // The compose file has its own security_opt and volumes: the new entries go into them.
            var text = file == Compose && setting.StartsWith("security_opt:\n") ? ("      - no-new-privileges:true\n", setting["security_opt:\n".Length..] + "\n      - no-new-privileges:true\n")
                : file == Compose && setting.StartsWith("volumes:\n") ? ("      - ${QTS_OBSERVER_HOST_CONFIG-./config}:/app/config:ro\n", "      - ${QTS_OBSERVER_HOST_CONFIG-./config}:/app/config:ro\n" + setting["volumes:\n".Length..] + "\n")
                : (anchor, anchor + "    " + setting + "\n");
            repo.Replace(file, text.Item1, text.Item2);

            var findings = SourceValidator.Validate(repo.Path, new TerraformFormatResult([]), _ => true).Findings;

            Assert.That(findings.Select(f => (f.File, f.Rule, f.Severity)), Is.EqualTo(new[] { (file, rule, "error") }), $"{file}: {string.Join("\n", findings)}");
            Assert.That(findings[0].Message, Does.StartWith(message));
            Assert.That(findings[0].Line, Is.EqualTo(repo.LinesOf(file, lineMarker)[^1]), file);
            Assert.That(findings[0].Fix, Is.Not.Empty);
        }
    }

    [Test]
    public void A_compose_healthcheck_of_true_with_the_url_as_its_argument_cannot_fail()
    {
        _repo.Replace(Compose, "test: [\"CMD\", \"python3\", \"-c\", \"import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health',timeout=2).status==200 else 1)\"]",
            "test: [\"CMD\", \"true\", \"http://127.0.0.1:8000/health\"]");

        var finding = Validate().Findings.Single(f => f.Rule == "healthcheck-cannot-fail");

        Assert.That((finding.File, finding.Line, finding.Message), Is.EqualTo((Compose, (int?)LineOf(Compose, "test: ["), "the compose healthcheck cannot fail: 'true' exits 0 whatever its arguments")));
    }

    [Test]
    public void A_healthcheck_that_asks_another_host_never_asks_the_service()
    {
        _repo.Replace(Dockerfile, "CMD " + HealthcheckCommand, "CMD [\"curl\",\"-f\",\"http://example.com:8000/health\"]");

        var finding = Only("healthcheck-no-probe");

        Assert.That((finding.File, finding.Line), Is.EqualTo((Dockerfile, (int?)LineOf(Dockerfile, "HEALTHCHECK"))));
        Assert.That(finding.Message, Is.EqualTo("the HEALTHCHECK calls http://example.com:8000/health, which is not the service in its own container (the check runs inside it)"));
    }

    [TestCase("user: qts")]
    [TestCase("user: \"10001:10001\"")]
    [TestCase("cap_drop: [ALL]")]
    [TestCase("network_mode: bridge")]
    [TestCase("security_opt:\n      - apparmor:docker-default")]
    [TestCase("volumes:\n      - /etc-copy:/x\n      - /srv/qts/etc:/y\n      - ${DATA-./data}:/z\n      - cache:/cache\n      - ./etc:/w")]
    public void Settings_that_keep_the_container_in_pass(string setting)
    {
        _repo.Replace(Publish, "  qts-observer:\n", "  qts-observer:\n    " + setting + "\n");

        Assert.That(Validate().Findings, Is.Empty);
    }

    [Test]
    public void No_new_privileges_set_to_false_is_an_error()
    {
        _repo.Replace(Compose, "      - no-new-privileges:true", "      - no-new-privileges:false");

        Assert.That(Only("compose-no-new-privileges").Line, Is.EqualTo(LineOf(Compose, "security_opt:")));
    }

    [Test]
    public void A_shell_form_cmd_is_an_error()
    {
        _repo.Replace(Dockerfile, "CMD [\"python3\",\"-m\",\"qts_observer\"]", "CMD python3 -m qts_observer");

        var finding = Only("exec-form-cmd");

        Assert.That(finding.Line, Is.EqualTo(LineOf(Dockerfile, "CMD python3")));
        Assert.That(finding.Message, Does.Contain("SIGTERM never reaches the service"));
    }

    [Test]
    public void A_writable_root_file_system_is_a_warning()
    {
        _repo.Replace(Compose, "    read_only: true\n", "");

        Assert.That(Only("compose-read-only").Severity, Is.EqualTo("warning"));
    }

    [Test]
    public void Limits_reservations_log_rotation_and_restart_policy_are_required()
    {
        _repo.Replace(Compose, "          cpus: \"0.5\"\n", "");
        _repo.Replace(Compose, "        max-file: \"3\"\n", "");
        _repo.Replace(Compose, "    restart: unless-stopped\n", "    restart: \"no\"\n");

        var findings = Validate().Findings;

        Assert.That(findings.Single(f => f.Rule == "compose-resources").Message, Does.StartWith("deploy.resources lacks reservations.cpus"));
        Assert.That(findings.Single(f => f.Rule == "compose-log-rotation").Message, Does.Contain("has no max-file"));
        Assert.That(findings.Single(f => f.Rule == "compose-restart").Message, Does.StartWith("restart: no"));
    }

    [TestCase("        max-size: \"10m\"\n", "the json-file log driver has no max-size: logs are not rotated")]
    [TestCase("        max-file: \"3\"\n", "the json-file log driver has no max-file: logs are not rotated")]
    public void Logs_rotate_only_with_both_a_size_and_a_file_count(string option, string message)
    {
        _repo.Replace(Compose, option, "");

        Assert.That(Only("compose-log-rotation").Message, Is.EqualTo(message));
    }

    [Test]
    public void A_restart_policy_under_deploy_counts_and_none_at_all_is_said_as_such()
    {
        _repo.Replace(Compose, "    restart: unless-stopped\n", "");
        _repo.Replace(Compose, "    logging:\n", "      restart_policy:\n        condition: on-failure\n    logging:\n");
        Assert.That(Validate().Findings.Where(f => f.Rule == "compose-restart"), Is.Empty, "deploy.restart_policy.condition: on-failure");

        _repo.Replace(Compose, "      restart_policy:\n        condition: on-failure\n", "");
        Assert.That(Only("compose-restart").Message, Is.EqualTo("no restart policy: a crashed service stays down"));
    }

    [Test]
    public void Logs_shipped_off_the_host_need_no_rotation_and_no_logging_block_is_said_as_such()
    {
        _repo.Replace(Compose, "      driver: json-file\n", "      driver: syslog\n");
        _repo.Replace(Compose, "        max-size: \"10m\"\n", "");
        Assert.That(Validate().Findings, Is.Empty, "the syslog driver keeps no log file on the host");

        _repo.Replace(Compose, "      driver: syslog\n", "      driver: local\n");
        Assert.That(Only("compose-log-rotation").Message, Is.EqualTo("the local log driver has no max-size: logs are not rotated"));

        _repo.Replace(Compose, "      driver: local\n", "");
        Assert.That(Only("compose-log-rotation").Message, Is.EqualTo("the json-file log driver has no max-size: logs are not rotated"), "json-file is Docker's default");

        _repo.Replace(Compose, "    logging:\n      options:\n        max-file: \"3\"\n", "");
        Assert.That(Only("compose-log-rotation").Message, Is.EqualTo("no logging settings: container logs grow until the disk is full"));
    }

    // One defect each, and the one finding it gives in full: the message and the fix are what the
    // author reads in validate's output and report.
    [TestCase(Compose, "    restart: unless-stopped\n", "    restart: unless-stopped\n    privileged: true\n",
        "compose-privileged: the service runs privileged: it gets every capability and the host's devices | remove privileged: true; the observer needs no extra capability")]
    [TestCase(Compose, "      - ${QTS_OBSERVER_HOST_LOGS-./logs}:/app/logs\n", "      - ${QTS_OBSERVER_HOST_LOGS-./logs}:/app/logs\n      - /var/run/docker.sock:/run/engine\n",
        "compose-docker-socket: the Docker socket is mounted: whoever controls the container controls the host | remove the docker.sock volume")]
    [TestCase(Compose, "      - no-new-privileges:true\n", "      - apparmor:docker-default\n",
        "compose-no-new-privileges: no-new-privileges is not set: a setuid binary could raise the service user's privileges | add security_opt: [\"no-new-privileges:true\"]")]
    [TestCase(Publish, "      - \"${QTS_OBSERVER_BIND:-127.0.0.1}:${QTS_OBSERVER_PORT:-8000}:8000\"\n", "      - \"127.0.0.1:8000:8080\"\n",
        "port-consistency: the published container port 8080 is not the image's EXPOSE 8000 (src/observer/Dockerfile:33) | publish container port 8000 (change the host side to move the service)")]
    [TestCase(Compose, "urlopen('http://127.0.0.1:8000/health'", "urlopen('http://127.0.0.1:8080/health'",
        "port-consistency: the compose healthcheck probes port 8080 but the image has EXPOSE 8000 (src/observer/Dockerfile:33) | probe http://127.0.0.1:8000/health")]
    [TestCase(Dockerfile, "urlopen('http://127.0.0.1:8000/health'", "urlopen('http://127.0.0.1:8080/health'",
        "port-consistency: the HEALTHCHECK probes port 8080 but the image has EXPOSE 8000 (src/observer/Dockerfile:33) | probe http://127.0.0.1:8000/health")]
    [TestCase(Dockerfile, "\nEXPOSE 8000\n", "\n",
        "port-consistency: the final stage has no EXPOSE | add EXPOSE 8000 (the port the service listens on and the health check probes)")]
    [TestCase(Dockerfile, "\nCMD [\"python3\",\"-m\",\"qts_observer\"]", "\n",
        "exec-form-cmd: the final stage has no CMD | end with CMD [\"python3\",\"-m\",\"qts_observer\"]")]
    [TestCase(Dockerfile, "\nCMD [\"python3\",\"-m\",\"qts_observer\"]", "\nCMD python3 -m qts_observer",
        "exec-form-cmd: CMD uses the shell form: /bin/sh becomes PID 1 and SIGTERM never reaches the service | use the exec form: CMD [\"python3\",\"-m\",\"qts_observer\"]")]
    [TestCase(Dockerfile, "WORKDIR /app\nEXPOSE", "WORKDIR /srv\nEXPOSE",
        "config-paths: WORKDIR is /srv but deployment.structure in deployment_config.json is /app | make the image's working directory and deployment.structure the same")]
    [TestCase(DeploymentConfig, "    \"log_dir\": \"/app/logs\",\n", "",
        "config-paths: paths.log_dir is missing | add \"log_dir\" under \"paths\" (see SPEC.md, deployment_config.json)")]
    [TestCase(Compose, "./logs}:/app/logs\n", "./logs}:/app/logs:ro\n",
        "config-paths: /app/logs (paths.log_dir) is mounted read-only: the service cannot write there | drop ':ro' from the volume at /app/logs; only the config directory is read-only")]
    [TestCase(Compose, "./logs}:/app/logs\n", "./logs}:/app/log\n",
        "config-paths: no volume is mounted at /app/logs (paths.log_dir in deployment_config.json); mounted: /app/data/observer, /app/log, /app/config | add a volume with target /app/logs, e.g. ./log:/app/logs")]
    [TestCase(Dockerfile, "--retries=3 \\\n    CMD [", "--retries=3 \\\n    [",
        "healthcheck: HEALTHCHECK needs CMD <command> or NONE | write HEALTHCHECK [--interval=...] CMD <command>")]
    [TestCase(Dockerfile, "HEALTHCHECK --interval", "#",
        "healthcheck: the image has no HEALTHCHECK: a hung service looks healthy | add HEALTHCHECK CMD [\"python3\",\"-c\",\"...urlopen('http://127.0.0.1:8000/health')...\"] that exits non-zero on failure")]
    [TestCase(Compose, "    healthcheck:\n", "    healthcheck:\n      disable: true\n",
        "healthcheck: the compose healthcheck is switched off | probe /health instead of disabling the check")]
    [TestCase(Compose, "test: [\"CMD\", \"python3\", \"-c\", \"import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health',timeout=2).status==200 else 1)\"]",
        "test: [\"CMD\", \"pgrep\", \"-f\", \"qts_observer\"]",
        "healthcheck-no-probe: the compose healthcheck does not call /health, so it says nothing about the service | probe http://127.0.0.1:8000/health")]
    [TestCase(Dockerfile, "CMD " + HealthcheckCommand, "CMD curl -f http://127.0.0.1:8000/health || exit 0",
        "healthcheck-cannot-fail: the HEALTHCHECK cannot fail: '|| exit 0' turns every failure into success | make it exit non-zero when /health does not answer 200, e.g. python3 -c \"import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health',timeout=2).status==200 else 1)\"")]
    [TestCase(Dockerfile, "\nCMD [\"python3\",\"-m\",\"qts_observer\"]", "\nENTRYPOINT python3 -m qts_observer",
        "exec-form-cmd: ENTRYPOINT uses the shell form: /bin/sh becomes PID 1 and SIGTERM never reaches the service | use the exec form: ENTRYPOINT [\"python3\",\"-m\",\"qts_observer\"]")]
    [TestCase(Dockerfile, "USER qts", "",
        "dockerfile-user: the final stage has no USER: the service runs as root | create a non-root user (qts, uid 10001) and end with USER qts")]
    [TestCase(Dockerfile, "USER qts", "USER root",
        "dockerfile-user: the last USER is root: the service runs as root | end the final stage with USER qts (a non-root user)")]
    [TestCase(Dockerfile, "FROM ${BASE_IMAGE} AS runtime", "FROM python:latest AS runtime",
        "base-image-pinned: the base image python:latest is 'latest', which changes under the build | pin a version tag (python:3.11-slim) or a digest (@sha256:...)")]
    [TestCase(Dockerfile, "FROM ${BASE_IMAGE} AS runtime", "FROM ${RUNTIME_IMAGE} AS runtime",
        "base-image-pinned: FROM ${RUNTIME_IMAGE} uses an ARG without a default, so the base image is whatever the build passes | give the ARG a pinned default before the first FROM, e.g. ARG BASE_IMAGE=python:3.11-slim")]
    [TestCase(Compose, "${QTS_OBSERVER_BASE_IMAGE:-python:3.11-slim}", "${QTS_OBSERVER_BASE_IMAGE:-python}",
        "base-image-pinned: the build argument BASE_IMAGE gives the base image python, which has no tag, so it is whatever 'latest' is on the day of the build | pin it: BASE_IMAGE: ${QTS_OBSERVER_BASE_IMAGE:-python:3.11-slim}")]
    [TestCase(Publish, "    ports:\n      - \"${QTS_OBSERVER_BIND:-127.0.0.1}:${QTS_OBSERVER_PORT:-8000}:8000\"\n", "",
        "port-consistency: the service publishes no port | publish the container port: ports: [\"127.0.0.1:8000:8000\"]")]
    [TestCase(Compose, "    restart: unless-stopped\n", "    restart: unless-stopped\n    ports:\n      - \"8000:8000\"\n",
        "port-consistency: the service publishes container port 8000 in docker-compose.yml, so a start-first deploy cannot start a release beside the one that serves | " +
        "move ports: to src/observer/docker-compose.publish.yml (start.sh and --strategy=recreate add it; with start-first the edge publishes the port)")]
    [TestCase(Publish, "  qts-observer:\n", "  observer:\n",
        "compose-service: no service 'qts-observer' under services: | publish the observer's port: services: qts-observer: ports: [\"127.0.0.1:8000:8000\"]")]
    [TestCase(Dockerfile, "ENV OBSERVER_LOG_DIR=/app/logs\n", "ENV LOG_DIR=/app/logs\n",
        "env-missing: OBSERVER_LOG_DIR is not set in Dockerfile | set OBSERVER_LOG_DIR=/app/logs there: the Dockerfile ENV, the compose environment and deployment_config.json must all set the four variables")]
    [TestCase(Compose, "      OBSERVER_DATA_DIR: /app/data/observer\n", "",
        "env-missing: OBSERVER_DATA_DIR is not set in docker-compose.yml | set OBSERVER_DATA_DIR=/app/data/observer there: the Dockerfile ENV, the compose environment and deployment_config.json must all set the four variables")]
    [TestCase(Compose, "OBSERVER_LOG_DIR: /app/logs", "OBSERVER_LOG_DIR: /var/log/qts",
        "env-mismatch: OBSERVER_LOG_DIR is '/var/log/qts' in src/observer/docker-compose.yml but '/app/logs' in src/observer/Dockerfile:30 | give OBSERVER_LOG_DIR the same value in both files (the ops guide's default is '/app/logs')")]
    [TestCase(Dockerfile, "ENV OBSERVER_CONFIG_DIR=/app/config\n", "",
        "config-paths: the final stage never mentions /app/config (paths.config_dir in deployment_config.json) | create /app/config in the image and give it to the service user (RUN mkdir -p ... && chown ...), or fix paths.config_dir")]
    [TestCase(Dockerignore, ".env\n", "",
        "dockerignore: .dockerignore does not exclude .env | add a line '.env': caches, logs, data, .git, .env and tests must stay out of the image")]
    [TestCase(Compose, "    restart: unless-stopped\n", "    restart: \"no\"\n",
        "compose-restart: restart: no leaves a crashed service down | set restart: unless-stopped")]
    [TestCase(Compose, Resources, "      replicas: 1\n",
        "compose-resources: deploy.resources lacks limits.cpus, limits.memory, reservations.cpus, reservations.memory: the service can starve the host, or be starved | set deploy.resources limits (cpus: \"1.0\", memory: 512M) and reservations (cpus: \"0.5\", memory: 256M)")]
    [TestCase(Compose, "      options:\n        max-size: \"10m\"\n        max-file: \"3\"\n", "",
        "compose-log-rotation: the json-file log driver has no max-size or max-file: logs are not rotated | set logging: { driver: json-file, options: { max-size: \"10m\", max-file: \"3\" } }")]
    public void A_defect_gives_its_one_finding_with_message_and_fix(string file, string text, string replacement, string expected)
    {
        _repo.Replace(file, text, replacement);

        var findings = Validate().Findings.Where(f => f.Severity == "error").Select(f => $"{f.Rule}: {f.Message} | {f.Fix}");

        Assert.That(findings, Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void One_stage_is_an_error_and_the_version_key_a_warning()
    {
        MakeOneStage();
        _repo.Write(Compose, "version: \"3.8\"\n" + _repo.Read(Compose));

        var findings = Validate().Findings;

        Assert.That(findings.Single(f => f.Rule == "multi-stage").Line, Is.EqualTo(2));
        var version = findings.Single(f => f.Rule == "compose-version-obsolete");
        Assert.That((version.Severity, version.Line), Is.EqualTo(("warning", (int?)1)));
        Assert.That(Validate().Fails(strict: false), Is.True);
    }

    [Test]
    public void Warnings_fail_only_when_strict()
    {
        _repo.Write(Compose, "version: \"3.8\"\n" + _repo.Read(Compose));

        var result = Validate();

        Assert.That((result.Errors, result.Warnings), Is.EqualTo((0, 1)));
        Assert.That(result.Fails(strict: false), Is.False);
        Assert.That(result.Fails(strict: true), Is.True);
        Assert.That(result.FailureMessage(strict: true), Does.Contain($"{Compose}:1: the top-level 'version' key is obsolete").And.Contain("(fix: remove the version: line)"));
    }

    [Test]
    public void The_dockerignore_keeps_secrets_and_runtime_output_out()
    {
        _repo.Replace("src/observer/.dockerignore", ".env\n", "");

        Assert.That(Only("dockerignore").Message, Is.EqualTo(".dockerignore does not exclude .env"));
    }

    [TestCase(Compose, "restart: unless-stopped", "restart: unless-stopped: x", "cannot be parsed")]
    [TestCase(DeploymentConfig, "\"paths\": {", "\"paths\" {", "cannot be parsed")]
    [TestCase(Dockerfile, "EXPOSE 8000", "EXPOZE 8000", "unknown instruction 'EXPOZE'")]
    public void A_file_that_does_not_parse_is_one_finding_at_its_line(string file, string oldText, string newText, string message)
    {
        var line = LineOf(file, oldText);
        _repo.Replace(file, oldText, newText);

        var finding = Only("syntax");

        Assert.That(finding.File, Is.EqualTo(file));
        Assert.That(finding.Message, Does.Contain(message));
        Assert.That(finding.Line, Is.EqualTo(line));
    }

    // The line each finding points at: where the setting is, else where to add it.
    [Test]
    public void A_variable_missing_from_the_compose_file_points_at_its_environment()
    {
        _repo.Replace(Compose, "      OBSERVER_DATA_DIR: /app/data/observer\n", "");

        var finding = Only("env-missing");

        Assert.That((finding.File, finding.Line), Is.EqualTo((Compose, (int?)LineOf(Compose, "    environment:"))));
    }

    [Test]
    public void A_variable_that_differs_in_deployment_config_points_at_its_line_there()
    {
        _repo.Replace(DeploymentConfig, "\"OBSERVER_LOG_DIR\": \"/app/logs\"", "\"OBSERVER_LOG_DIR\": \"/var/log/qts\"");

        var finding = Only("env-mismatch");

        Assert.That((finding.File, finding.Line), Is.EqualTo((DeploymentConfig, (int?)LineOf(DeploymentConfig, "\"OBSERVER_LOG_DIR\""))));
    }

    [Test]
    public void A_log_dir_that_differs_from_its_variable_is_named_at_its_line()
    {
        _repo.Replace(DeploymentConfig, "\"OBSERVER_LOG_DIR\": \"/app/logs\"", "\"OBSERVER_LOG_DIR\": \"/var/log/qts\"");

        var finding = Only("config-paths");

        Assert.That((finding.File, finding.Line), Is.EqualTo((DeploymentConfig, (int?)LineOf(DeploymentConfig, "\"log_dir\""))));
        Assert.That((finding.Message, finding.Fix), Is.EqualTo(("paths.log_dir is '/app/logs' but environment.OBSERVER_LOG_DIR is '/var/log/qts'",
            "use one directory for both: the service writes where OBSERVER_LOG_DIR points")));
    }

    [Test]
    public void A_missing_path_points_at_the_paths_object()
    {
        _repo.Replace(DeploymentConfig, "    \"log_dir\": \"/app/logs\",\n", "");

        Assert.That(Only("config-paths").Line, Is.EqualTo(LineOf(DeploymentConfig, "\"paths\"")));
    }

    [Test]
    public void A_service_that_publishes_no_port_is_named_at_the_service()
    {
        _repo.Replace(Publish, "    ports:\n      - \"${QTS_OBSERVER_BIND:-127.0.0.1}:${QTS_OBSERVER_PORT:-8000}:8000\"\n", "");

        Assert.That((Only("port-consistency").File, Only("port-consistency").Line), Is.EqualTo((Publish, (int?)LineOf(Publish, "  qts-observer:"))));
    }

    [Test]
    public void A_restart_policy_that_does_not_restart_points_at_its_line()
    {
        _repo.Replace(Compose, "    restart: unless-stopped\n", "    restart: \"no\"\n");

        Assert.That(Only("compose-restart").Line, Is.EqualTo(LineOf(Compose, "restart: \"no\"")));
    }

    [Test]
    public void Incomplete_resources_point_at_the_resources_and_missing_ones_at_deploy()
    {
        _repo.Replace(Compose, "          cpus: \"0.5\"\n", "");
        Assert.That(Only("compose-resources").Line, Is.EqualTo(LineOf(Compose, "      resources:")));

        _repo.Replace(Compose, Resources.Replace("          cpus: \"0.5\"\n", ""), "      replicas: 1\n");
        Assert.That(Only("compose-resources").Line, Is.EqualTo(LineOf(Compose, "    deploy:")));
    }

    [Test]
    public void Logging_without_rotation_points_at_the_logging_block()
    {
        _repo.Replace(Compose, "      options:\n        max-size: \"10m\"\n        max-file: \"3\"\n", "");

        Assert.That(Only("compose-log-rotation").Line, Is.EqualTo(LineOf(Compose, "    logging:")));
    }

    [Test]
    public void A_root_file_system_set_writable_is_a_warning_at_its_line_with_the_fix()
    {
        _repo.Replace(Compose, "    read_only: true\n", "    read_only: false\n");

        var finding = Only("compose-read-only");

        Assert.That((finding.Line, finding.Message, finding.Fix), Is.EqualTo(((int?)LineOf(Compose, "read_only: false"), "the root file system is writable",
            "set read_only: true and give the service a tmpfs where it needs scratch space (/tmp)")));
    }

    [Test]
    public void One_stage_is_named_with_message_and_fix()
    {
        MakeOneStage();

        var finding = Only("multi-stage");

        Assert.That((finding.Message, finding.Fix), Is.EqualTo(("the Dockerfile has one stage: whatever the build needs ships in the runtime image",
            "build in a first stage (FROM ${BASE_IMAGE} AS build) and copy only the result into the final stage")));
    }

    // Gaps the mutation run found: behaviour no test covered.
    [Test]
    public void PYTHONPATH_changed_alike_in_every_file_is_still_refused()
    {
        _repo.Replace(Dockerfile, "ENV PYTHONPATH=/app/src:/app", "ENV PYTHONPATH=/srv");
        _repo.Replace(Compose, "PYTHONPATH: /app/src:/app", "PYTHONPATH: /srv");
        _repo.Replace(DeploymentConfig, "\"PYTHONPATH\": \"/app/src:/app\"", "\"PYTHONPATH\": \"/srv\"");

        var finding = Only("env-value");

        Assert.That((finding.File, finding.Line), Is.EqualTo((Dockerfile, (int?)LineOf(Dockerfile, "ENV PYTHONPATH"))));
        Assert.That((finding.Message, finding.Fix), Is.EqualTo(("PYTHONPATH is '/srv' but the service needs '/app/src:/app'",
            "set PYTHONPATH=/app/src:/app (the ops guide marks it as not to be changed)")));
    }

    [Test]
    public void A_variable_missing_from_the_first_file_is_compared_between_the_others()
    {
        _repo.Replace(Dockerfile, "ENV OBSERVER_LOG_DIR=/app/logs\n", "");
        _repo.Replace(DeploymentConfig, "\"OBSERVER_LOG_DIR\": \"/app/logs\"", "\"OBSERVER_LOG_DIR\": \"/var/log/qts\"");

        var findings = Validate().Findings.Where(f => f.Rule.StartsWith("env-")).Select(f => (f.Rule, f.File)).ToList();

        Assert.That(findings, Is.EqualTo(new[] { ("env-missing", Dockerfile), ("env-mismatch", DeploymentConfig) }));
    }

    [Test]
    public void Without_a_compose_file_only_the_missing_file_is_named()
    {
        File.Delete(_repo.Combine(Compose));

        Assert.That(Validate().Findings.Select(f => (f.Rule, f.File)), Is.EqualTo(new[] { ("required-file", Compose) }));
    }

    [Test]
    public void Without_any_volume_every_path_says_none_is_mounted()
    {
        _repo.Replace(Compose, "    volumes:\n      - ${QTS_OBSERVER_HOST_DATA-./data}:/app/data/observer\n      - ${QTS_OBSERVER_HOST_LOGS-./logs}:/app/logs\n      - ${QTS_OBSERVER_HOST_CONFIG-./config}:/app/config:ro\n", "");

        var messages = Validate().Findings.Where(f => f.Rule == "config-paths").Select(f => f.Message);

        Assert.That(messages, Is.EqualTo(new[]
        {
            "no volume is mounted at /app/data/observer (paths.data_dir in deployment_config.json); mounted: none",
            "no volume is mounted at /app/logs (paths.log_dir in deployment_config.json); mounted: none",
            "no volume is mounted at /app/config (paths.config_dir in deployment_config.json); mounted: none",
        }));
    }

    [Test]
    public void A_number_in_deployment_configs_environment_is_compared_as_written()
    {
        _repo.Replace(DeploymentConfig, "\"QTS_OBSERVER_STANDALONE\": \"1\"", "\"QTS_OBSERVER_STANDALONE\": 1");

        Assert.That(Validate().Findings, Is.Empty);
    }

    [Test]
    public void A_restart_policy_under_deploy_overrides_restart_as_compose_does()
    {
        _repo.Replace(Compose, "    logging:\n", "      restart_policy:\n        condition: none\n    logging:\n");

        Assert.That(Only("compose-restart").Message, Is.EqualTo("restart: none leaves a crashed service down"), "restart: unless-stopped is overridden");
    }

    [TestCase("    restart: always\n")]
    [TestCase("    deploy:\n      restart_policy:\n        condition: any\n")]
    public void Always_and_deploys_any_restart_the_service(string policy)
    {
        _repo.Replace(Compose, "    restart: unless-stopped\n", "");
        _repo.Replace(Compose, "    deploy:\n", policy.Contains("deploy") ? policy : policy + "    deploy:\n");

        Assert.That(Validate().Findings, Is.Empty);
    }

    [TestCase("no-new-privileges")]
    [TestCase("no-new-privileges:true\n      - apparmor:docker-default")]
    public void No_new_privileges_counts_bare_and_among_other_options(string options)
    {
        _repo.Replace(Compose, "      - no-new-privileges:true\n", $"      - {options}\n");

        Assert.That(Validate().Findings, Is.Empty);
    }

    // An earlier stage and scratch are no images to pin.
    [TestCase("FROM build AS checked\nRUN python3 -m compileall -q src\n\n")]
    [TestCase("FROM scratch AS sources\nCOPY src/ /src/\n\n")]
    public void A_stage_from_an_earlier_stage_or_scratch_needs_no_pin(string stage)
    {
        _repo.Replace(Dockerfile, "FROM ${BASE_IMAGE} AS runtime", stage + "FROM ${BASE_IMAGE} AS runtime");

        Assert.That(Validate().Findings, Is.Empty);
    }

    [Test]
    public void A_compose_build_argument_no_FROM_uses_is_no_base_image()
    {
        _repo.Replace(Compose, "        BASE_IMAGE: ", "        VERSION: latest\n        BASE_IMAGE: ");

        Assert.That(Validate().Findings, Is.Empty);
    }

    [Test]
    public void A_compose_build_argument_one_FROM_of_several_uses_must_be_pinned()
    {
        _repo.Replace(Dockerfile, "FROM ${BASE_IMAGE} AS build", "FROM scratch AS sources\nCOPY src/ /src/\n\nFROM $BASE_IMAGE AS build");
        _repo.Replace(Dockerfile, "FROM ${BASE_IMAGE} AS runtime", "FROM $BASE_IMAGE AS runtime");
        _repo.Replace(Compose, "${QTS_OBSERVER_BASE_IMAGE:-python:3.11-slim}", "${QTS_OBSERVER_BASE_IMAGE:-python}");

        var finding = Only("base-image-pinned");

        Assert.That((finding.File, finding.Line), Is.EqualTo((Compose, (int?)LineOf(Compose, "BASE_IMAGE:"))));
    }

    [TestCase("python:")]
    [TestCase("python:latest")]
    [TestCase("python")]
    public void An_image_with_an_empty_or_latest_tag_or_none_is_not_pinned(string image) =>
        Assert.That(QtsOps.Core.Validation.Observer.ContainerSecurityRules.WhyNotPinned(image), Is.Not.Null);
}
