using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Fleet;
using QtsOps.Tools;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>
/// The edge of a start-first environment (<see cref="SlotLayout"/>, src/edge/README.md): nginx
/// publishing the environment's port, its configuration folder on the host (&lt;deployDirectory&gt;/edge),
/// and the switch from one slot to the other.
/// </summary>
/// <param name="image">The edge image's name and id on the environment's engine, made (again after Debian's updates) or delivered at each switch.</param>
/// <param name="composeFile">src/edge/docker-compose.yml of this checkout: compose reads it here, for a remote host too.</param>
public sealed class Edge(DeploySession session, Func<(string Name, string Id)> image, string composeFile)
{
    private DockerEngine Engine => session.Engine;

    private DeploymentEnvironment Target => session.Target;

    private ICakeLog Log => session.Log;

    private SlotLayout Layout => session.Layout;

    private IDeploymentHost Host => session.Host;

    private string Folder => session.EdgeFolder;

    private string Link => Host.Files.Combine(Folder, SlotLayout.ActiveLink);

    /// <summary>The slot the edge of the deployment in <paramref name="deployDirectory"/> (another checkout's on the same host) forwards to.</summary>
    public Slot? ActiveIn(string deployDirectory) =>
        SlotLayout.ActiveOf(Host.Files.LinkTarget(Host.Files.Combine(Host.Files.Combine(deployDirectory, "edge"), SlotLayout.ActiveLink)));

    /// <summary>
    /// Points the edge at <paramref name="slot"/>: writes the configuration, replaces the link and reloads
    /// nginx, or starts the edge when it does not run (as <paramref name="state"/> has it). Returns once nginx's previous workers have
    /// finished the requests they held, so the slot that served before can be stopped.
    /// </summary>
    public void SwitchTo(Slot slot, DeploymentState state)
    {
        WriteConfiguration();
        Host.Files.ReplaceLink(Link, SlotLayout.SlotConfig(slot));
        var to = Layout.SlotContainer(slot);
        var running = state.Container(Layout.EdgeContainer);
        var (edgeImage, edgeImageId) = image();
        var updated = running is not null && edgeImageId != running.Image;
        if (running is { State.Running: true } && Publishes(running) && !updated)
        {
            Reload($"switch to {to}");
            Log.Information($"The edge ({Layout.EdgeContainer}) forwards to {to}; its previous workers finished their requests");
            return;
        }
        // compose recreates an edge that publishes another address (the port or bind changed), or whose image was rebuilt
        // with Debian's updates (requests are refused for the moment it takes): it follows the environment and the image.
        Engine.Call(DockerAliases.DockerComposeUp, Compose(new DockerComposeUpSettings(), edgeImage));
        Log.Information($"Started the edge {Layout.EdgeContainer}: {Target.Bind}:{Target.Port} forwards to {to}" +
            (running is null || Publishes(running) ? "" : $" (it published {string.Join(", ", Published(running))} before)") +
            (updated ? $" on its updated image {edgeImage} (it ran {running!.Image[7..19]}, without the security updates since)" : ""));
    }

    /// <summary>
    /// A canary (<see cref="CanaryEdge"/>): the edge, running as <paramref name="state"/> has it, sends <paramref name="percent"/>% of requests to the slot beside
    /// <paramref name="stable"/> and logs each to <see cref="CanaryEdge.AccessLog"/>, emptied first. Returns once nginx's previous workers finished their requests,
    /// so every request from then on is split and logged. <see cref="SwitchTo"/> ends it.
    /// </summary>
    public void Split(Slot stable, int percent, DeploymentState state)
    {
        if (state.Container(Layout.EdgeContainer) is not { State.Running: true } running || !Publishes(running))
            throw new PipelineException($"The edge {Layout.EdgeContainer} does not run on {Target.Bind}:{Target.Port}, so no canary can take a share of its requests. Fix: deploy with --strategy=start-first once, then again as a canary.");
        var cleared = Engine.Exec(Layout.EdgeContainer, "rm", "-f", CanaryEdge.AccessLog);
        if (!cleared.Succeeded) throw new PipelineException($"The edge {Layout.EdgeContainer} could not empty {CanaryEdge.AccessLog}: {string.Join(" | ", cleared.Error.NonBlank())}");
        Configure(new SortedDictionary<string, string>(Layout.ConfigFiles.ToDictionary(), StringComparer.Ordinal)
        {
            ["nginx.conf"] = CanaryEdge.NginxConfig(Layout, stable, percent),
        });
        Reload($"send {percent}% of requests to {Layout.SlotContainer(SlotLayout.Other(stable))}");
        Log.Information($"The edge ({Layout.EdgeContainer}) sends {percent}% of requests to {Layout.SlotContainer(SlotLayout.Other(stable))}, the rest to {Layout.SlotContainer(stable)}");
    }

    /// <summary>The canary's access log as the edge wrote it so far (<see cref="CanaryEdge.LogFormat"/>).</summary>
    public IReadOnlyList<string> CanaryLog()
    {
        var read = Engine.Exec(Layout.EdgeContainer, "cat", CanaryEdge.AccessLog);
        return read.Succeeded ? read.Output
            : throw new PipelineException($"The edge {Layout.EdgeContainer} could not show its canary log {CanaryEdge.AccessLog}: {string.Join(" | ", read.Error.NonBlank())}");
    }

    /// <summary>Reloads nginx's configuration as written and waits until its previous workers finished their requests (<see cref="EdgeReload"/>: one exec).</summary>
    /// <param name="purpose">What the reload does, for its error: "switch to qts-observer-b".</param>
    private void Reload(string purpose)
    {
        var reload = Engine.Exec(Layout.EdgeContainer, [.. EdgeReload.Command(SlotLayout.DrainWait)]);
        switch (EdgeReload.Outcome(reload.ExitCode, reload.Output))
        {
            case EdgeReloadOutcome.Refused:
                throw new PipelineException($"The edge {Layout.EdgeContainer} refused to reload its configuration to {purpose}: {string.Join(" | ", reload.Error.Concat(reload.Output).NonBlank())}. " +
                    $"It still forwards as before. Fix: see `docker logs {Layout.EdgeContainer}`, then deploy again.");
            case EdgeReloadOutcome.NotDrained:
                // nginx keeps its previous workers when it refuses the new configuration after all, or while requests do not end.
                var left = reload.Output.FirstOrDefault(line => line.StartsWith(EdgeReload.LeftPrefix, StringComparison.Ordinal))?[EdgeReload.LeftPrefix.Length..].Trim();
                throw new PipelineException($"The edge {Layout.EdgeContainer} did not {purpose} within {SlotLayout.DrainWait.TotalSeconds:0} s: nginx kept its previous workers " +
                    $"({(string.IsNullOrEmpty(left) ? "" : $"pids {left} in the edge; ")}a refused configuration, or requests that do not end). Its last words: {string.Join(" | ", Engine.Logs(Layout.EdgeContainer, tail: 5))}");
        }
    }

    /// <summary>Whether the edge publishes the environment's address, and only it.</summary>
    private bool Publishes(DockerContainer edge) => Published(edge).SequenceEqual([$"{Target.Bind}:{Target.Port}"]);

    private static IEnumerable<string> Published(DockerContainer edge) =>
        (edge.HostConfig.PortBindings?.GetValueOrDefault($"{SlotLayout.ServicePort}/tcp") ?? []).Select(binding => $"{(binding.HostIp.Length == 0 ? "0.0.0.0" : binding.HostIp)}:{binding.HostPort}");

    /// <summary>Removes the edge and both slots (those <paramref name="state"/> has), and the edge's configuration: recreate's single container takes the port. Says what it removed.</summary>
    public IReadOnlyList<string> Remove(DeploymentState state)
    {
        var removed = new[] { Layout.EdgeContainer, Layout.SlotContainer(Slot.A), Layout.SlotContainer(Slot.B) }.Where(name => state.Container(name) is not null).ToList();
        foreach (var name in removed) Engine.Call(DockerAliases.DockerRemoveContainer, new DockerRemoveContainerSettings { Container = name });
        Host.Files.DeleteDirectory(Folder);
        return removed;
    }

    /// <summary>nginx's files under edge/conf, replaced whole (<see cref="EdgeConfiguration"/>) only when this pipeline's differ.</summary>
    private void WriteConfiguration() => Configure(Layout.ConfigFiles);

    /// <summary>Makes <paramref name="files"/> the edge's configuration unless the session's state has it already (no round trip then), and tells the session what it wrote.</summary>
    private void Configure(IReadOnlyDictionary<string, string> files)
    {
        if (EdgeConfiguration.Write(Host.Files, Folder, files, session.State.Host.EdgeConfigTarget)) session.EdgeConfigured(EdgeConfiguration.Version(files));
    }

    private DockerComposeUpSettings Compose(DockerComposeUpSettings settings, string image)
    {
        settings.ProjectName = Layout.EdgeProject;
        settings.ProjectDirectory = Path.GetDirectoryName(composeFile);
        settings.Files = [composeFile];
        settings.Variables = new SortedDictionary<string, string>(SharedVariables(), StringComparer.Ordinal)
        {
            ["QTS_EDGE_IMAGE"] = image,
            ["QTS_EDGE_CONTAINER"] = Layout.EdgeContainer,
            ["QTS_EDGE_CONFIG"] = Folder,
        };
        return settings;
    }

    /// <summary>
    /// The compose variables the edge and every release share: the network the edge reaches the slots on,
    /// the address it publishes (a release alone publishes it itself) and whose the containers are.
    /// </summary>
    public Dictionary<string, string> SharedVariables() => SharedVariables(Target, Host);

    /// <inheritdoc cref="SharedVariables()"/>
    public static Dictionary<string, string> SharedVariables(DeploymentEnvironment target, IDeploymentHost host) => new()
    {
        ["QTS_OBSERVER_NETWORK"] = target.Network,
        ["QTS_OBSERVER_BIND"] = target.Bind,
        ["QTS_OBSERVER_PORT"] = target.Port.ToString(),
        ["QTS_OBSERVER_LABEL_ENVIRONMENT"] = target.Name,
        ["QTS_OBSERVER_LABEL_DEPLOYMENT"] = host.Resolve(target.DeployDirectory),
    };
}
