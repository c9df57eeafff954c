using System.Reflection;
using System.Text;
using QtsOps.Host.Options;

namespace QtsOps.Host;

internal sealed record RegisteredTask(Type Type, IFrostingTask Instance)
{
    /// <summary>The [TaskName], else the class name without its "Task" suffix, as Frosting does.</summary>
    public string Name { get; } = Type.GetCustomAttribute<TaskNameAttribute>()?.Name
        ?? (Type.Name.EndsWith("Task", StringComparison.Ordinal) && Type.Name.Length > 4 ? Type.Name[..^4] : Type.Name);

    public string? Description { get; } = Type.GetCustomAttribute<TaskDescriptionAttribute>()?.Description;

    public IEnumerable<Type> DependsOn => Type.GetCustomAttributes<IsDependentOnAttribute>().Select(a => a.Task);
}

/// <summary>A task as a run of its targets would meet it: what it waits for, and why it would be skipped (null: it would run).</summary>
public sealed record PlannedTask(string Name, string? Description, IReadOnlyList<string> DependsOn, string? SkipReason);

/// <summary>The registered tasks by name, for validation, --tree and --description.</summary>
internal sealed class TaskGraph
{
    private readonly Dictionary<string, RegisteredTask> _byName = new(StringComparer.OrdinalIgnoreCase);

    public TaskGraph(IEnumerable<RegisteredTask> tasks)
    {
        foreach (var task in tasks)
        {
            if (!_byName.TryAdd(task.Name, task))
                throw new HostUsageException($"Two tasks are named '{task.Name}': {_byName[task.Name].Type.FullName} and {task.Type.FullName}.");
        }
        // Dependees are dependencies seen from the other side; fold them in for the tree.
        _dependees = _byName.Keys.ToDictionary(k => k, _ => new List<string>(), StringComparer.OrdinalIgnoreCase);
        foreach (var task in _byName.Values)
        foreach (var dependee in task.Type.GetCustomAttributes<IsDependeeOfAttribute>())
            _dependees[NameOf(dependee.Task, task.Name)].Add(task.Name);
    }

    private readonly Dictionary<string, List<string>> _dependees;

    public IEnumerable<RegisteredTask> Tasks => _byName.Values;

    public RegisteredTask? Find(string name) => _byName.GetValueOrDefault(name);

    public string NameOf(Type taskType, string referencedBy) =>
        _byName.Values.FirstOrDefault(t => t.Type == taskType)?.Name
        ?? throw new HostUsageException($"Task '{referencedBy}' refers to {taskType.Name}, which is not a registered task.");

    public void EnsureTargetsExist(IEnumerable<string> targets)
    {
        var unknown = targets.Where(t => !_byName.ContainsKey(t)).ToList();
        if (unknown.Count == 0) return;
        var known = string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal));
        var meant = unknown.SelectMany(u => OptionCatalog.Closest(u, _byName.Keys)).Distinct().Select(m => $"'{m}'").ToList();
        var suggestion = meant.Count > 0 ? $" Did you mean {string.Join(" or ", meant)}?" : "";
        throw new HostUsageException($"Unknown target{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}.{suggestion} Targets that exist: {known}.");
    }

    /// <summary>
    /// The order a run executes: the targets in the order given, each after its own dependencies
    /// (declared order, dependees included), every task once. Cake's unified graph would instead
    /// sort tasks that do not depend on each other by name (apply before terraform-plan).
    /// </summary>
    public List<string> ExecutionOrder(IEnumerable<string> targets)
    {
        var order = new List<string>();
        var visiting = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        void Visit(string name)
        {
            if (order.Contains(name, StringComparer.OrdinalIgnoreCase)) return;
            if (!visiting.Add(name)) throw new HostUsageException($"The tasks depend on each other in a circle through '{name}'.");
            foreach (var dependency in DependenciesOf(name)) Visit(dependency);
            order.Add(name);
        }
        foreach (var target in targets) Visit(_byName[target].Name);
        return order;
    }

    public IEnumerable<string> DependenciesOf(string name) =>
        _byName[name].DependsOn.Select(t => NameOf(t, name)).Concat(_dependees[name]);

    /// <summary>The dependency tree of the given targets, or of every task nothing depends on.</summary>
    public string ToTree(IReadOnlyCollection<string> targets)
    {
        EnsureTargetsExist(targets);
        var roots = targets.Count > 0
            ? targets.Select(t => _byName[t].Name)
            : _byName.Keys.Where(k => !_byName.Keys.Any(other => DependenciesOf(other).Contains(k, StringComparer.OrdinalIgnoreCase))).Order(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var root in roots)
        {
            text.AppendLine(root);
            WriteChildren(text, root, "");
            text.AppendLine();
        }
        return text.ToString();
    }

    private void WriteChildren(StringBuilder text, string name, string indent)
    {
        var children = DependenciesOf(name).ToList();
        for (var i = 0; i < children.Count; i++)
        {
            var last = i == children.Count - 1;
            text.AppendLine($"{indent}{(last ? "└── " : "├── ")}{children[i]}");
            WriteChildren(text, children[i], indent + (last ? "    " : "│   "));
        }
    }

    public string ToDescriptions()
    {
        var width = _byName.Keys.Max(k => k.Length);
        var text = new StringBuilder();
        text.AppendLine($"{"Task".PadRight(width)}  Description");
        text.AppendLine(new string('-', width + 40));
        foreach (var task in _byName.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
            text.AppendLine($"{task.Name.PadRight(width)}  {task.Description}".TrimEnd());
        return text.ToString();
    }

    /// <summary>
    /// README's table of targets: the tasks of <paramref name="defaultTarget"/> in the order it runs them,
    /// then the others by name, each with what it runs after and its description. The description is the
    /// only one a target has: docs are generated from it (a test compares), never written a second time.
    /// </summary>
    public string ToMarkdown(string defaultTarget)
    {
        var pipeline = _byName.ContainsKey(defaultTarget) ? ExecutionOrder([defaultTarget]) : [];
        var others = _byName.Keys.Except(pipeline, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal);
        var text = new StringBuilder();
        text.AppendLine("| target | runs after | what it does |");
        text.AppendLine("|---|---|---|");
        foreach (var name in pipeline.Concat(others))
        {
            var after = string.Join(", ", DependenciesOf(name).Select(d => $"`{d}`"));
            text.AppendLine($"| `{name}` | {after} | {MarkdownText.Cell(_byName[name].Description ?? "")} |");
        }
        return text.ToString();
    }
}
