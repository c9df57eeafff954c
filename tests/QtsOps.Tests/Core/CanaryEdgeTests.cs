using QtsOps.Core.Deployment;
using QtsOps.Core.Fleet;

namespace QtsOps.Tests.Core;

/// <summary>The edge's configuration while a canary runs (issue 24, point 5): the split and the access log the judgement reads.</summary>
[Category("Core")]
public class CanaryEdgeTests
{
    private static readonly SlotLayout Layout = new("qts-observer", "qts-observer");

    [Test]
    public void Splits_requests_between_the_stable_slot_and_the_canarys_and_logs_the_side_that_answered()
    {
        var config = CanaryEdge.NginxConfig(Layout, Slot.A, 10);

        Assert.That(config, Does.Contain("split_clients \"${request_id}\" $canary_side { 10% canary; * stable; }"));
        Assert.That(config, Does.Contain("upstream stable { server qts-observer-a:8000; keepalive 8; }"));
        Assert.That(config, Does.Contain("upstream canary { server qts-observer-b:8000; keepalive 8; }"));
        Assert.That(config, Does.Contain("log_format qtsops_canary '$msec $canary_side $status $request_time $upstream_addr';"));
        Assert.That(config, Does.Contain($"access_log {CanaryEdge.AccessLog} qtsops_canary;\n            proxy_pass http://$canary_side;"));
        Assert.That(CanaryEdge.NginxConfig(Layout, Slot.B, 25), Does.Contain("upstream canary { server qts-observer-a:8000;").And.Contain("25% canary"));
        Assert.That(config, Does.StartWith("# Written by QtsOps for a canary: 10% of requests to slot b, the rest to slot a,\n" +
            "# each logged to /tmp/qtsops-canary.log with the side that answered, until it is promoted or withdrawn.\n"));
    }

    [Test]
    public void Is_the_switchs_nginx_file_with_only_the_routing_and_forwarding_changed()
    {
        var switched = Layout.ConfigFiles["nginx.conf"];
        var canary = CanaryEdge.NginxConfig(Layout, Slot.A, 10);

        foreach (var shared in new[] { "worker_shutdown_timeout 20s;", "limit_conn per_address 128;", "proxy_read_timeout 30s;", "listen 8000;" })
            Assert.That(canary, Does.Contain(shared));
        Assert.That(switched, Does.Not.Contain("canary"));
    }
}
