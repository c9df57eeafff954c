using QtsOps.Tools.Docker;

namespace QtsOps.Tests.Host;

public class DockerArgumentsTests
{
    [Test]
    public void Build_passes_tags_build_arguments_and_the_context_last()
    {
        var arguments = DockerArguments.For(new DockerBuildSettings
        {
            ContextDirectory = "/pkg dir",
            Tags = ["qts-observer:1.2.3", "qts-observer:sha-abc1234"],
            BuildArguments = { ["VERSION"] = "1.2.3" },
            ImageIdFile = "/tmp/id",
        }).Render();

        Assert.That(arguments, Is.EqualTo("build --tag \"qts-observer:1.2.3\" --tag \"qts-observer:sha-abc1234\" --build-arg \"VERSION=1.2.3\" --iidfile \"/tmp/id\" \"/pkg dir\""));
    }

    [Test]
    public void Login_reads_the_password_from_standard_input_never_the_command_line()
    {
        var password = Guid.NewGuid().ToString("N");
        var settings = new DockerLoginSettings { Registry = "127.0.0.1:5000", Username = "ci", Password = password };

        var arguments = DockerArguments.For(settings).Render();

        Assert.That(arguments, Is.EqualTo("login --username \"ci\" --password-stdin \"127.0.0.1:5000\""));
        Assert.That(arguments, Does.Not.Contain(password));
    }

    [Test]
    public void Compose_v1_runs_in_compatibility_mode_so_resource_limits_apply()
    {
        var settings = new DockerComposeUpSettings { ProjectName = "qts-observer", ProjectDirectory = "/d", Files = ["/d/docker-compose.yml"] };

        Assert.That(DockerArguments.For(settings, ComposeVariant.Standalone).Render(),
            Is.EqualTo("--compatibility --project-name \"qts-observer\" --project-directory \"/d\" --file \"/d/docker-compose.yml\" up --detach --no-build"));
        Assert.That(DockerArguments.For(settings, ComposeVariant.Plugin).Render(), Does.StartWith("compose --project-name"));
    }

    [Test]
    public void Compose_up_recreates_only_when_forced_and_rm_forces_the_removal()
    {
        var forced = new DockerComposeUpSettings { ProjectName = "p", Files = ["/d/c.yml"], ForceRecreate = true };

        Assert.That(DockerArguments.For(forced, ComposeVariant.Plugin).Render(), Is.EqualTo("compose --project-name \"p\" --file \"/d/c.yml\" up --detach --no-build --force-recreate"));
        Assert.That(DockerArguments.For(new DockerRemoveContainerSettings { Container = "qts-observer" }).Render(), Is.EqualTo("rm --force \"qts-observer\""));
    }

    [Test]
    public void Stop_names_the_container_and_its_time_to_stop()
    {
        Assert.That(DockerArguments.For(new DockerStopSettings { Container = "qts-observer-a", TimeoutSeconds = 20 }).Render(), Is.EqualTo("stop --time 20 \"qts-observer-a\""));
        Assert.That(DockerArguments.For(new DockerStopSettings { Container = "qts-observer-a" }).Render(), Is.EqualTo("stop \"qts-observer-a\""));
    }

    [Test]
    public void Compose_down_can_remove_orphans()
    {
        var settings = new DockerComposeDownSettings { ProjectName = "p", Files = ["/d/c.yml"], RemoveOrphans = true };

        Assert.That(DockerArguments.For(settings, ComposeVariant.Plugin).Render(), Is.EqualTo("compose --project-name \"p\" --file \"/d/c.yml\" down --remove-orphans"));
        Assert.That(DockerArguments.For(new DockerComposeDownSettings { ProjectName = "p" }, ComposeVariant.Plugin).Render(), Does.EndWith(" down"));
    }

    [Test]
    public void Exec_and_logs_quote_every_part()
    {
        Assert.That(DockerArguments.For(new DockerExecSettings { Container = "c", Command = ["sh", "-c", "echo a b"] }).Render(),
            Is.EqualTo("exec \"c\" \"sh\" \"-c\" \"echo a b\""));
        Assert.That(DockerArguments.For(new DockerLogsSettings { Container = "c", Since = "2026-01-01T00:00:00Z", Tail = 5 }).Render(),
            Is.EqualTo("logs --since \"2026-01-01T00:00:00Z\" --tail 5 \"c\""));
    }

    [Test]
    public void Inspect_names_the_object_type()
    {
        Assert.That(DockerArguments.For(new DockerInspectSettings { Type = DockerObjectType.Image, Target = "x:1" }).Render(), Is.EqualTo("image inspect \"x:1\""));
        Assert.That(DockerArguments.For(new DockerInspectSettings { Target = "c" }).Render(), Is.EqualTo("container inspect \"c\""));
    }

    [TestCase("12.5MiB", 13107200L)]
    [TestCase("512MiB", 536870912L)]
    [TestCase("1.5GiB", 1610612736L)]
    [TestCase("300kB", 300000L)]
    [TestCase("10B", 10L)]
    public void Docker_sizes_parse(string text, long bytes) => Assert.That(DockerStats.ParseSize(text), Is.EqualTo(bytes));

    [Test]
    public void A_stats_sample_gives_cpu_and_memory()
    {
        var stats = DockerStats.Parse("""{"CPUPerc":"0.52%","MemUsage":"12.5MiB / 512MiB","Name":"qts-observer"}""");

        Assert.That(stats, Is.EqualTo(new DockerStats(0.52, 13107200, 536870912)));
    }
}
