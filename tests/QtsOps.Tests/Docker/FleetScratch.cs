using System.Text.Json;
using System.Text.Json.Nodes;
using QtsOps.Core.Deployment;
using QtsOps.Core.Fleet;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// What the several-hosts fixtures share (issue 24): the lab's three independent Docker hosts, each with its own sshd
/// (<see cref="Lab"/>, up --ssh), and a scratch clone whose 'fleet' is the environments file the lab wrote (every node
/// a host, ssh://root@ADDRESS, its folders under its own /srv), committed as fleet-environments.json. Each host keeps
/// its releases, history and lock there. Made in a fixture's OneTimeSetUp, disposed in its OneTimeTearDown, even half-made.
/// </summary>
public sealed class FleetScratch : IDisposable
{
    public const string EnvironmentsFile = "fleet-environments.json";

    public Lab Lab { get; }
    public ObserverRepository Repo { get; } = null!;

    public FleetScratch()
    {
        Lab = new Lab(nodes: 3, ssh: true);
        try
        {
            Repo = Checkout();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// A scratch clone on the lab's 'fleet'; another one than <see cref="Repo"/> is a second checkout deploying to the same hosts
    /// (two runs of one checkout would share its artifacts). Its own 'local' has no registry; 'fleet' copies the image to each host over ssh.
    /// </summary>
    public ObserverRepository Checkout()
    {
        var repo = new ObserverRepository(registry: "");
        File.Copy(Lab.EnvironmentsFile!, Path.Combine(repo.Root, EnvironmentsFile));
        repo.Commit("fleet on the lab's three hosts");
        return repo;
    }

    public IReadOnlyList<Lab.Node> Hosts => Lab.Nodes;

    /// <summary>Gives 'fleet' the canary settings <paramref name="settings"/> (a JSON object) and commits them.</summary>
    public void SetCanary(string settings)
    {
        var path = Path.Combine(Repo.Root, EnvironmentsFile);
        var environments = JsonNode.Parse(File.ReadAllText(path))!;
        environments["fleet"]![CanarySettings.Key] = JsonNode.Parse(settings);
        File.WriteAllText(path, environments.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Repo.Commit("canary settings for the fleet");
    }

    /// <summary>The pipeline on 'fleet' with the lab's key and pinned host keys.</summary>
    public HostRun Run(params string[] arguments)
    {
        using var scope = Login();
        return Repo.Run([.. arguments, "--env=fleet", $"--environments={EnvironmentsFile}"]);
    }

    /// <summary>The pipeline on 'fleet' in <paramref name="checkout"/> as a process of its own (several at once), with the lab's key and pinned host keys.</summary>
    internal PipelineProcess Start(ObserverRepository checkout, string awaited, params string[] arguments)
    {
        using var scope = Login();
        return new PipelineProcess(checkout.Root, awaited, [.. arguments, "--env=fleet", $"--environments={EnvironmentsFile}"]);
    }

    private EnvironmentVariableScope Login() => new EnvironmentVariableScope()
        .Set("QTSOPS_SSH_KEY_FILE", Lab.SshKeyFile).Set("QTSOPS_SSH_KNOWN_HOSTS", File.ReadAllText(Lab.SshKnownHosts!));

    /// <summary>The host's folder the environment's folders are in (/srv/qts-observer there).</summary>
    public static string Folder(Lab.Node host) => Path.Combine(host.Srv, "qts-observer");

    public static List<HistoryEntry> History(Lab.Node host) =>
        Support.HistoryFile.Entries(Path.Combine(Folder(host), "deploy", ".qtsops", "history", "fleet.jsonl"));

    /// <summary>The release the host's deploy directory has as current.</summary>
    public static string? Current(Lab.Node host) =>
        new FileInfo(Path.Combine(Folder(host), "deploy", "current")).LinkTarget is { } target ? Path.GetFileName(target) : null;

    /// <summary>The observer's configuration on the host (the release's, copied there on the first deploy).</summary>
    public static string ConfigFile(Lab.Node host) => Path.Combine(Folder(host), "config", "observer.json");

    public void Dispose()
    {
        Lab?.Dispose();
        Repo?.Dispose();
    }
}
