using QtsOps.Core.Deployment;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>
/// The environment as one step reads it (<see cref="DeploySession.State"/>): the host's record
/// (<see cref="HostState"/>: releases, <c>current</c>, the active slot, the history, the lock) and the
/// containers under the environment's names from one engine inspect. The decisions of the step
/// (skip, foreign containers, slot plan, verify scope, failed release, pre-deploy checks) take it.
/// </summary>
/// <param name="History">The history's entries the read gave (<see cref="HostState.History"/>), parsed once.</param>
/// <param name="Containers">The containers under <see cref="SlotLayout.Containers"/>, as the engine had them.</param>
public sealed record DeploymentState(HostState Host, IReadOnlyList<HistoryEntry> History, IReadOnlyList<DockerContainer> Containers,
    SlotLayout Layout, DeploymentIdentity Identity)
{
    public string? Current => Host.Current;

    public DockerContainer? Container(string name) => Containers.FirstOrDefault(c => c.Name.TrimStart('/') == name);

    /// <summary>The active slot behind a running edge: the edge's link says it, once an edge container is there.</summary>
    public Slot? ActiveSlot => Host.ActiveSlot is { } slot && Container(Layout.EdgeContainer) is not null ? slot : null;

    /// <summary>The container that serves: the active slot's behind the edge, else the environment's single container.</summary>
    public string ServingName => ActiveSlot is { } slot ? Layout.SlotContainer(slot) : Layout.ContainerName;

    public DockerContainer? Serving => Container(ServingName);

    /// <summary>The release the serving container runs, when it is running and this deployment's; else null.</summary>
    public string? ServedRelease => Serving is { State.Running: true } container && IsOurs(container) ? OwnerOf(container).Release : null;

    /// <summary>Whether this deployment (its deploy directory, for this environment) started <paramref name="container"/>.</summary>
    public bool IsOurs(DockerContainer container) => OwnerOf(container).IsOf(Identity.DeployDirectory, Identity.Environment);

    /// <summary>The containers another deployment (or another environment) started (<see cref="DeploymentClaim"/>).</summary>
    public IReadOnlyList<DockerContainer> Foreign => [.. Containers.Where(c => !IsOurs(c))];

    public IReadOnlyList<ClaimedContainer> Claimed => [.. Containers.Select(ClaimedOf)];

    /// <summary>Why this run may not act on the environment: a container under its names is another deployment's; null when all are ours.</summary>
    /// <param name="nothingDone">What was not done, for the message.</param>
    /// <param name="fix">How to go on, for the message.</param>
    public string? ClaimRefusal(string nothingDone, string fix) => DeploymentClaim.Refusal(Claimed, Identity.DeployDirectory, Identity.Environment, nothingDone, fix);

    /// <summary>Who started <paramref name="container"/>; see <see cref="DeploymentOwner"/>.</summary>
    public static DeploymentOwner OwnerOf(DockerContainer container) => DeploymentOwner.FromLabels(container.Config.Labels);

    /// <summary>The container by the name it has under the environment's names, and whose it is.</summary>
    public static ClaimedContainer ClaimedOf(DockerContainer container) => new(container.Name.TrimStart('/'), OwnerOf(container));
}

/// <summary>Which deployment this is: its deploy directory on the host, for the environment; containers carry both as labels.</summary>
public sealed record DeploymentIdentity(string DeployDirectory, string Environment);
