using QtsOps.Host;

namespace QtsOps.Build.Tasks;

/// <summary>The release checklist, top to bottom: build what ships, provision, deploy, verify.</summary>
[TaskName("default")]
[TaskDescription("The whole pipeline for the chosen environment (local when none is given), through verify")]
[IsDependentOn(typeof(PackageTask))]
[IsDependentOn(typeof(ImageTask))]
[IsDependentOn(typeof(PushTask))]
[IsDependentOn(typeof(TerraformPlanTask))]
[IsDependentOn(typeof(ApplyTask))]
[IsDependentOn(typeof(DeployTask))]
[IsDependentOn(typeof(VerifyTask))]
public sealed class DefaultTask : FrostingTask<BuildContext>;
