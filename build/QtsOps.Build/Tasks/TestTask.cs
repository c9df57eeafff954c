using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("test")]
[TaskDescription("Runs the NUnit suites (--test-filter=EXPR to narrow); TRX under artifacts/tests/")]
public sealed class TestTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) =>
        new TestRun(context, context.RepositoryRoot, context.ArtifactsDirectory).Run(context.Options.Get(PipelineOptions.TestFilter));
}
