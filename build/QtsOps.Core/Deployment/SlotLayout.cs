namespace QtsOps.Core.Deployment;

/// <summary>How a deploy replaces the release that serves.</summary>
public enum DeployStrategy
{
    /// <summary>The new release starts beside the old one in the other slot, and the edge switches to it once it is healthy.</summary>
    StartFirst,

    /// <summary>One container publishing the port, replaced in place: the old release stops before the new one serves.</summary>
    Recreate,

    /// <summary>
    /// As start-first, but once healthy the new release takes the environment's canary share of requests beside the
    /// stable one, and is promoted or withdrawn on what both answered (<see cref="Fleet.CanaryJudgement"/>).
    /// </summary>
    Canary,
}

public static class DeployStrategies
{
    public static readonly IReadOnlyList<string> Names = ["start-first", "recreate", "canary"];

    public static string Name(DeployStrategy strategy) => strategy switch
    {
        DeployStrategy.StartFirst => "start-first",
        DeployStrategy.Canary => "canary",
        _ => "recreate",
    };

    /// <summary>Whether releases run in slots behind the edge: start-first and canary do, recreate does not.</summary>
    public static bool UsesEdge(this DeployStrategy strategy) => strategy != DeployStrategy.Recreate;

    /// <summary>The strategy named <paramref name="name"/>, or null when it names none.</summary>
    public static DeployStrategy? Parse(string? name) => name switch
    {
        "start-first" => DeployStrategy.StartFirst,
        "recreate" => DeployStrategy.Recreate,
        "canary" => DeployStrategy.Canary,
        _ => null,
    };
}

/// <summary>One of the two places a start-first environment runs a release in.</summary>
public enum Slot { A, B }

/// <summary>
/// The start-first layout of an environment: two slots, each its own compose project and container
/// (<c>containerName-a</c>, <c>-b</c>), neither publishing a port, and the edge: nginx publishing the
/// environment's port and forwarding to the active slot. The edge's configuration is a folder on the
/// host: <see cref="ConfigFolder"/> (a link to the folder of the current files, <see cref="EdgeConfiguration"/>)
/// holds nginx's file and one upstream file per slot, and the link
/// <see cref="ActiveLink"/> names the active slot's: switching is replacing the link (atomic) and
/// reloading nginx.
/// </summary>
public sealed record SlotLayout(string ContainerName, string ComposeProject)
{
    /// <summary>The port the service and the edge listen on inside their containers.</summary>
    public const int ServicePort = 8000;

    /// <summary>How long a switch waits for nginx's workers from before the reload to finish their requests.</summary>
    public static readonly TimeSpan DrainWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an old worker may keep connections after a reload before nginx closes them: below
    /// <see cref="DrainWait"/>, so that a client holding a request open cannot fail a switch.
    /// </summary>
    public static readonly TimeSpan WorkerShutdownTimeout = TimeSpan.FromSeconds(20);

    /// <summary>nginx's time for a client's headers, body and each send (its default is 60 s): a half-sent request is dropped, not held.</summary>
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Connections one client address may hold at once.</summary>
    public const int ConnectionsPerAddress = 128;

    /// <summary>Where the configuration folder is mounted inside the edge container.</summary>
    public const string ConfigMount = "/etc/qtsops-edge";

    /// <summary>The files the deploy writes, under the configuration folder; the link is beside it.</summary>
    public const string ConfigFolder = "conf";
    public const string MainConfig = ConfigFolder + "/nginx.conf";
    public const string ActiveLink = "active.conf";

    /// <summary>
    /// nginx's graceful reload, run inside the edge. Not `docker kill --signal HUP`: after that the engine
    /// (20.10) counts the edge as stopped by hand and no longer restarts it, not when nginx exits, not at boot.
    /// </summary>
    public static IReadOnlyList<string> ReloadCommand => ["nginx", "-e", "stderr", "-c", $"{ConfigMount}/{MainConfig}", "-s", "reload"];

    public string SlotContainer(Slot slot) => $"{ContainerName}-{Letter(slot)}";
    public string SlotProject(Slot slot) => $"{ComposeProject}-{Letter(slot)}";
    public string EdgeContainer => $"{ContainerName}-edge";
    public string EdgeProject => $"{ComposeProject}-edge";

    /// <summary>Every container a deployment of the environment may have, in either layout: the single one, the edge and both slots.</summary>
    public IReadOnlyList<string> Containers => [ContainerName, EdgeContainer, SlotContainer(Slot.A), SlotContainer(Slot.B)];

    public static Slot Other(Slot slot) => slot == Slot.A ? Slot.B : Slot.A;

    /// <summary>The active link's target for <paramref name="slot"/>, relative to the link.</summary>
    public static string SlotConfig(Slot slot) => $"{ConfigFolder}/slot-{Letter(slot)}.conf";

    /// <summary>The active slot named by the link's target (<c>slot-b.conf</c>), or null when there is no link or it names no slot.</summary>
    public static Slot? ActiveOf(string? linkTarget) => Path.GetFileName(linkTarget ?? "") switch
    {
        "slot-a.conf" => Slot.A,
        "slot-b.conf" => Slot.B,
        _ => null,
    };

    /// <summary>Every file of <see cref="ConfigFolder"/>, by name.</summary>
    public IReadOnlyDictionary<string, string> ConfigFiles => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["nginx.conf"] = NginxConfig(
            ["Written by QtsOps on every deploy: the environment's port, forwarded to the slot that serves.",
             "active.conf links to the slot's upstream; a deploy replaces the link and reloads nginx:",
             "old workers finish the requests they hold, new ones use the new slot."],
            [$"include {ConfigMount}/{ActiveLink};"],
            ["proxy_pass http://observer;"]),
        ["slot-a.conf"] = Upstream(Slot.A),
        ["slot-b.conf"] = Upstream(Slot.B),
    };

    /// <summary>
    /// nginx's main file of an edge: the port, the limits on clients and the temporary paths every edge
    /// has, with <paramref name="routing"/> (lines in http) and <paramref name="forwarding"/> (the first lines of location /) saying where requests go.
    /// </summary>
    /// <param name="timeouts">How long nginx waits on an upstream (<see cref="UpstreamTimeouts.Default"/> unless given).</param>
    public static string NginxConfig(IEnumerable<string> comment, IEnumerable<string> routing, IEnumerable<string> forwarding, UpstreamTimeouts? timeouts = null) =>
        string.Concat(comment.Select(line => $"# {line}\n")) + $$"""
            worker_processes 1;
            worker_shutdown_timeout {{Seconds(WorkerShutdownTimeout)}};
            pid /tmp/nginx.pid;
            error_log stderr warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_header_timeout {{Seconds(ClientTimeout)}};
                client_body_timeout {{Seconds(ClientTimeout)}};
                send_timeout {{Seconds(ClientTimeout)}};
                keepalive_timeout {{Seconds(ClientTimeout)}};
                limit_conn_zone $binary_remote_addr zone=per_address:1m;
                client_body_temp_path /tmp/client_body;
                proxy_temp_path /tmp/proxy;
                fastcgi_temp_path /tmp/fastcgi;
                uwsgi_temp_path /tmp/uwsgi;
                scgi_temp_path /tmp/scgi;
            {{Indented(routing, 1)}}
                server {
                    listen {{ServicePort}};
                    limit_conn per_address {{ConnectionsPerAddress}};
                    location / {
            {{Indented(forwarding, 3)}}
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_connect_timeout {{Duration((timeouts ?? UpstreamTimeouts.Default).Connect)}};
                        proxy_read_timeout {{Duration((timeouts ?? UpstreamTimeouts.Default).Read)}};
                    }
                }
            }

            """;

    private static string Indented(IEnumerable<string> lines, int depth) => string.Join("\n", lines.Select(line => new string(' ', depth * 4) + line));

    private static string Seconds(TimeSpan time) => $"{time.TotalSeconds:0}s";

    /// <summary>nginx's time: whole seconds as such, else milliseconds.</summary>
    private static string Duration(TimeSpan time) => time.Milliseconds == 0 ? Seconds(time) : $"{time.TotalMilliseconds:0}ms";

    /// <summary>An upstream group named <paramref name="name"/> forwarding to <paramref name="slot"/>'s container.</summary>
    public string Upstream(Slot slot, string name = "observer") => $"upstream {name} {{ server {SlotContainer(slot)}:{ServicePort}; keepalive 8; }}\n";

    private static string Letter(Slot slot) => slot == Slot.A ? "a" : "b";
}

/// <summary>What a slot's container is now: whether it runs, and the release its labels name.</summary>
public sealed record SlotState(bool Running, string? Release);

/// <summary>Where a start-first deploy starts a release, and which slot it drains once the edge switched.</summary>
/// <param name="AlreadyServes">The release already runs in the active slot: nothing is started or switched.</param>
/// <param name="Drain">The slot that serves now and is stopped after the switch; null when nothing serves.</param>
public sealed record SlotPlan(Slot Start, bool AlreadyServes, Slot? Drain)
{
    /// <param name="active">The slot the edge forwards to, or null before the first start-first deploy.</param>
    /// <param name="activeState">Its container, or null when there is none.</param>
    /// <param name="force">--force-deploy: start the release again even when it serves.</param>
    public static SlotPlan For(Slot? active, SlotState? activeState, string release, bool force)
    {
        if (active is not { } serving) return new SlotPlan(Slot.A, false, null);
        if (activeState is not { Running: true }) return new SlotPlan(serving, false, null);
        if (activeState.Release == release && !force) return new SlotPlan(serving, true, null);
        return new SlotPlan(SlotLayout.Other(serving), false, serving);
    }
}
