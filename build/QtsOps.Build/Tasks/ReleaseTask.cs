using QtsOps.Build.Releasing;
using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("release")]
[TaskDescription("Cuts a version (--bump=major|minor|patch or --version=X.Y.Z): CHANGELOG.md commit, tag vX.Y.Z, --push")]
public sealed class ReleaseTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => ReleaseCutter.Cut(context, ReleaseCutter.Plan(context));

    public override void DryRun(BuildContext context) => ReleaseCutter.Preview(context, ReleaseCutter.Plan(context));
}
