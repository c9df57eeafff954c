using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("default")]
[TaskDescription("The whole pipeline for the chosen environment (local when none is given), through verify")]
[IsDependentOn(typeof(VerifyTask))]
public sealed class DefaultTask : FrostingTask<BuildContext>;
