using QtsOps.Core.Deployment;
using QtsOps.Core.Images;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class SlotLayoutTests
{
    private static readonly SlotLayout Layout = new("qts-observer", "qts-project");

    [Test]
    public void Each_slot_and_the_edge_have_their_own_container_and_compose_project()
    {
        Assert.That((Layout.SlotContainer(Slot.A), Layout.SlotContainer(Slot.B), Layout.EdgeContainer), Is.EqualTo(("qts-observer-a", "qts-observer-b", "qts-observer-edge")));
        Assert.That((Layout.SlotProject(Slot.A), Layout.SlotProject(Slot.B), Layout.EdgeProject), Is.EqualTo(("qts-project-a", "qts-project-b", "qts-project-edge")));
        Assert.That((SlotLayout.Other(Slot.A), SlotLayout.Other(Slot.B)), Is.EqualTo((Slot.B, Slot.A)));
        Assert.That((SlotLayout.SlotConfig(Slot.A), SlotLayout.SlotConfig(Slot.B)), Is.EqualTo(("conf/slot-a.conf", "conf/slot-b.conf")));
        Assert.That(Layout.Containers, Is.EqualTo(new[] { "qts-observer", "qts-observer-edge", "qts-observer-a", "qts-observer-b" }), "every container either layout may have");
    }

    [Test]
    public void The_reload_is_run_inside_the_edge_on_the_configuration_its_image_starts_with()
    {
        Assert.That(SlotLayout.ReloadCommand, Is.EqualTo(new[] { "nginx", "-e", "stderr", "-c", "/etc/qtsops-edge/conf/nginx.conf", "-s", "reload" }));
        Assert.That(BaseImageRecipe.EdgeBookworm("http://deb.debian.org/debian", "http://deb.debian.org/debian-security").ImportChanges.Last(), Does.Contain("\"-c\", \"/etc/qtsops-edge/conf/nginx.conf\""));
    }

    [Test]
    public void Each_slot_file_forwards_to_that_slot_s_container_on_the_service_port()
    {
        var files = Layout.ConfigFiles;

        Assert.That(files.Keys, Is.EqualTo(new[] { "nginx.conf", "slot-a.conf", "slot-b.conf" }));
        Assert.That(files["slot-a.conf"], Is.EqualTo("upstream observer { server qts-observer-a:8000; keepalive 8; }\n"));
        Assert.That(files["slot-b.conf"], Is.EqualTo("upstream observer { server qts-observer-b:8000; keepalive 8; }\n"));
    }

    [Test]
    public void The_main_file_listens_on_the_service_port_includes_the_active_link_and_writes_only_to_tmp()
    {
        var main = Layout.ConfigFiles["nginx.conf"];

        Assert.That(main, Does.StartWith(
            "# Written by QtsOps on every deploy: the environment's port, forwarded to the slot that serves.\n" +
            "# active.conf links to the slot's upstream; a deploy replaces the link and reloads nginx:\n" +
            "# old workers finish the requests they hold, new ones use the new slot.\n"), "what someone who opens the file on the host reads first");
        Assert.That(main, Does.Contain("include /etc/qtsops-edge/active.conf;").And.Contain("listen 8000;").And.Contain("proxy_pass http://observer;"));
        // The edge's root file system is read-only: every file nginx writes is under its tmpfs.
        var written = main.Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith("pid ") || line.Contains("_temp_path ")).ToList();
        Assert.That(written, Has.Count.EqualTo(6));
        Assert.That(written.Select(line => line.Split(' ')[1]), Is.All.StartWith("/tmp/"));
    }

    [Test]
    public void Old_workers_and_slow_clients_are_cut_before_a_switch_stops_waiting_for_them()
    {
        var main = Layout.ConfigFiles["nginx.conf"];
        int Seconds(string directive) => int.Parse(System.Text.RegularExpressions.Regex.Match(main, $@"\b{directive} (\d+)s;").Groups[1].Value);

        Assert.That(Seconds("worker_shutdown_timeout"), Is.LessThan(SlotLayout.DrainWait.TotalSeconds), "nginx closes what old workers hold before the switch gives up on them");
        foreach (var timeout in new[] { "client_header_timeout", "client_body_timeout", "send_timeout", "keepalive_timeout" })
            Assert.That(Seconds(timeout), Is.LessThan(Seconds("worker_shutdown_timeout")), timeout);
        Assert.That(main, Does.Contain("limit_conn_zone $binary_remote_addr zone=per_address:1m;").And.Contain("limit_conn per_address 128;"));
    }

    [TestCase("conf/slot-a.conf", Slot.A)]
    [TestCase("slot-b.conf", Slot.B)]
    [TestCase("/etc/qtsops-edge/slot-b.conf", Slot.B)]
    [TestCase("slot-c.conf", null)]
    [TestCase("", null)]
    [TestCase(null, null)]
    public void The_active_slot_is_the_one_the_link_names(string? target, Slot? active) =>
        Assert.That(SlotLayout.ActiveOf(target), Is.EqualTo(active));

    [TestCase("start-first", DeployStrategy.StartFirst)]
    [TestCase("recreate", DeployStrategy.Recreate)]
    [TestCase("Recreate", null)]
    [TestCase("", null)]
    [TestCase(null, null)]
    public void A_strategy_is_known_by_its_exact_name(string? name, DeployStrategy? strategy)
    {
        Assert.That(DeployStrategies.Parse(name), Is.EqualTo(strategy));
        if (strategy is { } known) Assert.That(DeployStrategies.Name(known), Is.EqualTo(name));
    }
}
