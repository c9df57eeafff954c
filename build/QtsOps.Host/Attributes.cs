namespace QtsOps.Host;

/// <summary>The task's command-line name, as in Cake Frosting.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TaskNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>The task runs after the named task.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class IsDependentOnAttribute(Type task) : Attribute
{
    public Type Task { get; } = task;
}

/// <summary>The named task runs after this one (the reverse of <see cref="IsDependentOnAttribute"/>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class IsDependeeOfAttribute(Type task) : Attribute
{
    public Type Task { get; } = task;
}

[AttributeUsage(AttributeTargets.Class)]
public sealed class TaskDescriptionAttribute(string description) : Attribute
{
    public string Description { get; } = description;
}

/// <summary>A failure of this task is reported but does not stop the run.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ContinueOnErrorAttribute : Attribute;
