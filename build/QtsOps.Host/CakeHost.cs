using System.Reflection;
using System.Runtime.ExceptionServices;
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Packaging;
using Cake.Core.Tooling;
using QtsOps.Host.Options;

namespace QtsOps.Host;

/// <summary>
/// A Cake Frosting compatible host on the real Cake engine:
/// <c>new CakeHost().UseContext&lt;BuildContext&gt;().UseLifetime&lt;BuildLifetime&gt;().Run(args)</c>.
/// </summary>
public sealed class CakeHost
{
    public const string DefaultTarget = "default";

    private Type _contextType = typeof(FrostingContext);
    private Type? _lifetimeType;
    private readonly List<Type> _taskTypes = [];
    private readonly List<Assembly> _assemblies = [];
    private TextWriter _output = Console.Out;
    private TextWriter _error = Console.Error;
    private string? _workingDirectory;
    private readonly List<Action<HostLog>> _logConfigurations = [];
    private readonly List<Action<ICakeContext, TaskSummary>> _finishedHandlers = [];
    private OptionCatalog? _options;

    /// <summary>The summary of the last <see cref="Run"/>.</summary>
    public TaskSummary Summary { get; private set; } = new();

    public CakeHost UseContext<TContext>() where TContext : ICakeContext
    {
        _contextType = typeof(TContext);
        return this;
    }

    public CakeHost UseLifetime<TLifetime>() where TLifetime : IFrostingLifetime, new()
    {
        _lifetimeType = typeof(TLifetime);
        return this;
    }

    /// <summary>Registers every task class of the assembly (default: the entry assembly).</summary>
    public CakeHost AddAssembly(Assembly assembly)
    {
        _assemblies.Add(assembly);
        return this;
    }

    /// <summary>Registers exactly these task classes.</summary>
    public CakeHost UseTasks(params Type[] taskTypes)
    {
        _taskTypes.AddRange(taskTypes);
        return this;
    }

    public CakeHost UseConsole(TextWriter output, TextWriter error)
    {
        // Synchronized: a run on several hosts logs from a thread per host, and a plain writer (a test's StringWriter) garbles lines written at once.
        (_output, _error) = (TextWriter.Synchronized(output), TextWriter.Synchronized(error));
        return this;
    }

    /// <summary>
    /// Declares the pipeline's options: they are read before any task runs (an unknown option or a bad
    /// value stops the run), listed by --help, and reach the context as <see cref="OptionValues"/>
    /// (<c>context.Data.Get&lt;OptionValues&gt;()</c>). Without it, any --name=value reaches the tasks.
    /// </summary>
    public CakeHost UseOptions(IEnumerable<Option> options)
    {
        _options = new OptionCatalog(options);
        return this;
    }

    public CakeHost UseWorkingDirectory(string path)
    {
        _workingDirectory = path;
        return this;
    }

    /// <summary>Adjusts the log once the command line is read, e.g. to group task logs in CI.</summary>
    public CakeHost ConfigureLog(Action<HostLog> configure)
    {
        _logConfigurations.Add(configure);
        return this;
    }

    private Func<string, OptionValues?, string>? _helpNote;

    /// <summary>
    /// A line --help shows after the options that depends on the checkout, e.g. the environments its file declares:
    /// <paramref name="note"/> gets the working directory and the options as given (null when they cannot be read).
    /// </summary>
    public CakeHost UseHelpNote(Func<string, OptionValues?, string> note)
    {
        _helpNote = note;
        return this;
    }

    private Func<ICakeContext, IReadOnlyList<string>, IReadOnlyList<PlannedTask>, string>? _treePage;

    /// <summary>
    /// What <c>--tree --html</c> does: <paramref name="write"/> gets the context, the targets and their
    /// tasks in run order (with the skips the settings decide, as a dry run shows them), writes the page
    /// and returns its path, which the host prints.
    /// </summary>
    public CakeHost UseTreePage(Func<ICakeContext, IReadOnlyList<string>, IReadOnlyList<PlannedTask>, string> write)
    {
        _treePage = write;
        return this;
    }

    private Func<IProcessRunner, IProcessRunner> _processRunner = runner => runner;

    /// <summary>Puts <paramref name="decorate"/> around Cake's process runner, which every Cake tool starts its process with.</summary>
    public CakeHost UseProcessRunner(Func<IProcessRunner, IProcessRunner> decorate)
    {
        _processRunner = decorate;
        return this;
    }

    /// <summary>Called after every run that got as far as the tasks, failed or not.</summary>
    public CakeHost OnFinished(Action<ICakeContext, TaskSummary> handler)
    {
        _finishedHandlers.Add(handler);
        return this;
    }

    public int Run(IEnumerable<string> args) => RunAsync(args).GetAwaiter().GetResult();

    public async Task<int> RunAsync(IEnumerable<string> args)
    {
        // Cake's environment changes the process's current directory (--working); give it back.
        var currentDirectory = Directory.GetCurrentDirectory();
        try
        {
            return await RunCoreAsync(args);
        }
        finally
        {
            Directory.SetCurrentDirectory(currentDirectory);
        }
    }

    private async Task<int> RunCoreAsync(IEnumerable<string> args)
    {
        var log = new HostLog(_output, _error);
        Summary = new TaskSummary();
        try
        {
            var commandLine = HostCommandLine.Parse([.. args]);
            log.Verbosity = commandLine.Verbosity;
            _logConfigurations.ForEach(configure => configure(log));
            if (commandLine.Help) return WriteHelp(commandLine);
            if (commandLine.Version) return WriteVersion();
            if (commandLine.Info) return WriteInfo();

            var options = _options?.Read(commandLine.Arguments, System.Environment.GetEnvironmentVariable);
            var tasks = CreateTasks();
            var engine = new CakeEngine(new CakeDataService(), log);
            var graph = new TaskGraph(tasks);
            if (commandLine.Tree && !(commandLine.Html && _treePage is not null)) { _output.Write(graph.ToTree(commandLine.Targets)); return 0; }
            if (commandLine.Description) { _output.Write(commandLine.Markdown ? graph.ToMarkdown(DefaultTarget) : graph.ToDescriptions()); return 0; }

            var targets = commandLine.Targets.Count == 0 ? [DefaultTarget] : commandLine.Targets;
            graph.EnsureTargetsExist(targets);

            var context = CreateCakeContext(log, commandLine, options);
            var typedContext = (ICakeContext)Activator.CreateInstance(_contextType, context)!;
            if (commandLine.Tree)
            {
                _output.WriteLine($"Task graph: {_treePage!(typedContext, targets, Plan(graph, targets, typedContext))}");
                return 0;
            }
            var lifetime = _lifetimeType is null ? null : (IFrostingLifetime)Activator.CreateInstance(_lifetimeType)!;
            var skipped = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            Register(engine, graph, graph.ExecutionOrder(targets), typedContext, lifetime, log, commandLine.DryRun, commandLine.Exclusive ? targets : null, skipped);

            Action<string>? dryRun = commandLine.DryRun ? name => DryRun(graph.Find(name)!, typedContext, skipped) : null;
            var strategy = new HostExecutionStrategy(new DefaultExecutionStrategy(log, new HostStepPrinter(log)), dryRun);
            var settings = new ExecutionSettings().SetTargets(targets).UseUnifiedDependencyGraphForMultipleTargets(true);
            if (commandLine.Exclusive) settings.UseExclusiveTarget();

            ExceptionDispatchInfo? failure = null;
            try
            {
                await engine.RunTargetAsync(typedContext, strategy, settings);
            }
            catch (Exception exception)
            {
                failure = ExceptionDispatchInfo.Capture(exception);
            }

            WriteSummary(log);
            foreach (var handler in _finishedHandlers) handler(typedContext, Summary);
            if (failure is not null) return WriteFailure(log, failure.SourceException);
            return Summary.AnyFailed ? 1 : 0;
        }
        catch (Exception exception)
        {
            // A context constructor that rejects its settings arrives wrapped by Activator.
            return WriteFailure(log, exception is TargetInvocationException { InnerException: { } inner } ? inner : exception);
        }
    }

    private List<RegisteredTask> CreateTasks()
    {
        var types = _taskTypes.Count > 0 || _assemblies.Count > 0
            ? _taskTypes.Concat(_assemblies.SelectMany(a => a.GetTypes()))
            : (Assembly.GetEntryAssembly()?.GetTypes() ?? []);
        return types
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IFrostingTask).IsAssignableFrom(t) && RunsOn(t, _contextType))
            .Distinct()
            .Select(t => new RegisteredTask(t, (IFrostingTask)Activator.CreateInstance(t)!))
            .ToList();
    }

    /// <summary>Whether the task's context type is the host's or a base of it (an assembly may hold tasks of other contexts).</summary>
    private static bool RunsOn(Type taskType, Type contextType)
    {
        for (var type = taskType.BaseType; type is not null; type = type.BaseType)
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(FrostingTaskBase<>))
                return type.GetGenericArguments()[0].IsAssignableFrom(contextType);
        return true;
    }

    /// <summary>The tasks of the targets in run order, each with its dependencies and the skip its settings decide (ShouldRunInDryRun).</summary>
    private static List<PlannedTask> Plan(TaskGraph graph, IReadOnlyList<string> targets, ICakeContext context) =>
        [.. graph.ExecutionOrder(targets).Select(name =>
        {
            var task = graph.Find(name)!.Instance;
            var skip = task.ShouldRunInDryRun(context) ? null : task.SkipReason ?? "ShouldRunInDryRun returned false";
            return new PlannedTask(name, graph.Find(name)!.Description, graph.DependenciesOf(name).ToList(), skip);
        })];

    /// <summary>Under --dryrun, in place of the task: whether it would run, and its own DryRun when it would.</summary>
    private static void DryRun(RegisteredTask registered, ICakeContext context, HashSet<string> skipped)
    {
        var task = registered.Instance;
        if (!task.ShouldRunInDryRun(context))
        {
            context.Log.Information($"(dry run) would skip {registered.Name}: {task.SkipReason ?? "ShouldRunInDryRun returned false"}");
            skipped.Add(registered.Name);
            return;
        }
        context.Log.Information($"(dry run) would run {registered.Name}");
        task.DryRun(context);
    }

    /// <param name="order">The tasks in the order they run (<see cref="TaskGraph.ExecutionOrder"/>).</param>
    /// <param name="exclusiveTargets">With --exclusive, the targets: the only tasks that run.</param>
    /// <param name="skipped">The tasks whose ShouldRun said no (their summary entries say why).</param>
    private void Register(CakeEngine engine, TaskGraph graph, List<string> order, ICakeContext context, IFrostingLifetime? lifetime, HostLog log, bool dryRun,
        IReadOnlyCollection<string>? exclusiveTargets, HashSet<string> skipped)
    {
        engine.RegisterSetupAction(setup =>
        {
            // Cake lists the dependencies even when --exclusive leaves them out.
            if (exclusiveTargets is not null) setup = new ExclusiveSetupContext(setup, exclusiveTargets);
            Summary.Plan(setup.TasksToExecute.Select(t => t.Name));
            if (dryRun) lifetime?.DryRunSetup(context, setup);
            else lifetime?.Setup(context, setup);
        });
        engine.RegisterTeardownAction(teardown =>
        {
            if (!dryRun) lifetime?.Teardown(context, teardown);
        });
        engine.AfterTaskTeardown += (_, e) =>
        {
            log.EndTask();
            Summary.Add(Describe(graph, e.TaskTeardownContext, dryRun, skipped));
        };

        foreach (var registered in graph.Tasks)
        {
            var task = registered.Instance;
            var builder = engine.RegisterTask(registered.Name).Description(registered.Description ?? "");
            foreach (var dependency in registered.Type.GetCustomAttributes<IsDependentOnAttribute>())
                builder.IsDependentOn(graph.NameOf(dependency.Task, registered.Name));
            foreach (var dependee in registered.Type.GetCustomAttributes<IsDependeeOfAttribute>())
                builder.IsDependeeOf(graph.NameOf(dependee.Task, registered.Name));
            // Each task of this run after the one before it: Cake's graph then has one order, ours.
            var position = order.IndexOf(registered.Name);
            if (position > 0 && !builder.Task.Dependencies.Any(d => d.Name.Equals(order[position - 1], StringComparison.OrdinalIgnoreCase)))
                builder.IsDependentOn(order[position - 1]);
            // ShouldRun is asked here rather than through Cake's criteria: Cake fails a run whose
            // target is skipped, and a target with nothing to do (apply without changes) is success.
            // In a dry run the strategy runs no action, so ShouldRun is not asked either.
            builder.Does(async () =>
            {
                if (!task.ShouldRun(context))
                {
                    context.Log.Information($"Skipping {registered.Name}: {task.SkipReason ?? "ShouldRun returned false"}");
                    skipped.Add(registered.Name);
                    return;
                }
                await task.RunAsync(context);
                if (task.SkipReason is not null) skipped.Add(registered.Name);
            });
            var continueOnError = registered.Type.GetCustomAttribute<ContinueOnErrorAttribute>() is not null;
            builder.OnError(exception =>
            {
                if (!dryRun) task.OnError(exception, context); // a failed DryRun must not trigger recovery code
                if (!continueOnError) ExceptionDispatchInfo.Throw(exception);
                context.Log.Error($"{registered.Name} failed and the run continues ([ContinueOnError]): {exception.Message}");
            });
            builder.Finally(() =>
            {
                if (!dryRun && !skipped.Contains(registered.Name)) task.Finally(context);
            });
        }
    }

    private static TaskSummaryEntry Describe(TaskGraph graph, ITaskTeardownContext teardown, bool dryRun, HashSet<string> skipped)
    {
        var name = teardown.Task.Name;
        if (skipped.Contains(name)) return new(name, TaskOutcome.Skipped, teardown.Duration, graph.Find(name)?.Instance.SkipReason);
        if (teardown.ThrownException is { } exception) return new(name, TaskOutcome.Failed, teardown.Duration, exception.Message);
        return new(name, dryRun ? TaskOutcome.DryRun : TaskOutcome.Succeeded, teardown.Duration, null);
    }

    private ICakeContext CreateCakeContext(HostLog log, HostCommandLine commandLine, OptionValues? options)
    {
        var data = new CakeDataService();
        if (options is not null) data.Add(options);
        var fileSystem = new FileSystem();
        var environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
        var working = commandLine.WorkingDirectory ?? _workingDirectory;
        if (working is not null)
        {
            if (!Directory.Exists(working)) throw new HostUsageException($"--working: directory '{working}' does not exist.");
            environment.WorkingDirectory = new DirectoryPath(System.IO.Path.GetFullPath(working));
        }
        var globber = new Globber(fileSystem, environment);
        var configuration = new CakeConfiguration(new Dictionary<string, string>());
        var tools = new ToolLocator(environment, new ToolRepository(environment),
            new ToolResolutionStrategy(fileSystem, environment, globber, configuration, log));
        var arguments = new CakeArguments(commandLine.Arguments.ToLookup(a => a.Key, a => a.Value, StringComparer.OrdinalIgnoreCase));
        return new CakeContext(fileSystem, environment, globber, log, arguments,
            _processRunner(new ProcessRunner(fileSystem, environment, log, tools, configuration)), new WindowsRegistry(), tools,
            data, configuration, new NoToolInstaller(), new EmptyServiceProvider());
    }

    private void WriteSummary(HostLog log)
    {
        if (log.Verbosity == Verbosity.Quiet) return;
        _output.WriteLine();
        _output.WriteLine(Summary.ToTable());
        _output.Flush();
    }

    private int WriteFailure(HostLog log, Exception exception)
    {
        _error.WriteLine($"Error: {exception.Message}");
        if (log.Verbosity >= Verbosity.Diagnostic) _error.WriteLine(exception);
        _error.Flush();
        return 1;
    }

    private int WriteHelp(HostCommandLine commandLine)
    {
        _output.WriteLine("""
            Usage: ./build.sh [--target=NAME ...] [--NAME=VALUE ...] [options]

              --target, -t NAME     Task to run (several run in the order given). Default: default
              --verbosity, -v NAME  quiet, minimal, normal, verbose or diagnostic
              --dryrun              Show what would run; tasks only show their plans (DryRun)
              --tree                Show the task dependency tree
              --tree --html         Write it as a page in run order, with the skips the settings decide
              --description         List the tasks with their descriptions
              --markdown            With --description: README's Markdown table of the targets
              --exclusive, -e       Run the targets only, not their dependencies
              --working, -w DIR     Run as if started in DIR: the repository (or a folder in it) to build
              --version             Show the host and Cake versions (--version=X.Y.Z is an argument for release)
              --info                Show environment information
            """);
        if (_options is not null) _output.Write(_options.ToHelp());
        if (_helpNote is not null)
        {
            _output.WriteLine();
            _output.WriteLine(_helpNote(System.IO.Path.GetFullPath(commandLine.WorkingDirectory ?? _workingDirectory ?? Directory.GetCurrentDirectory()), GivenOptions(commandLine)));
        }
        _output.WriteLine();
        _output.WriteLine("Targets (--target=NAME):");
        _output.Write(new TaskGraph(CreateTasks()).ToDescriptions());
        return 0;
    }

    /// <summary>The options as given beside --help; null when they cannot be read (help still shows).</summary>
    private OptionValues? GivenOptions(HostCommandLine commandLine)
    {
        try
        {
            return _options?.Read(commandLine.Arguments, System.Environment.GetEnvironmentVariable);
        }
        catch (HostUsageException)
        {
            return null;
        }
    }

    private int WriteVersion()
    {
        var version = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        _output.WriteLine($"{version} (Cake.Core {typeof(CakeEngine).Assembly.GetName().Version})");
        return 0;
    }

    private int WriteInfo()
    {
        _output.WriteLine($"Cake.Core: {typeof(CakeEngine).Assembly.GetName().Version}");
        _output.WriteLine($"Runtime:   {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        _output.WriteLine($"OS:        {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        return 0;
    }

    private sealed class NoToolInstaller : IToolInstaller
    {
        public IEnumerable<FilePath> Install(PackageReference tool) =>
            throw new NotSupportedException($"Installing tools at run time is not supported ({tool.OriginalString}); reference them in the build project.");
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
