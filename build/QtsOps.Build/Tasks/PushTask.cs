using QtsOps.Build.Deployment;
using QtsOps.Build.Registry;
using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("push")]
[TaskDescription("Pushes the image's tags to the environment's registry (QTSOPS_REGISTRY_USERNAME/PASSWORD) and confirms the digest")]
[IsDependentOn(typeof(ImageTask))]
public sealed class PushTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => new ImagePublisher(new DockerEngine(context)).Run();
}
