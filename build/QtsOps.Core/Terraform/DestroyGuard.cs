namespace QtsOps.Core.Terraform;

/// <summary>The step that checks a plan: terraform-plan before it keeps the plan, apply before it applies a saved one.</summary>
public enum GuardedStep { Plan, Apply }

/// <summary>
/// A plan that destroys or replaces resources of a protected environment needs an explicit --allow-destroy.
/// terraform-plan and apply both ask, each with the protection in force when it runs: a plan made while
/// the environment was unprotected is refused at apply once it is protected.
/// </summary>
public static class DestroyGuard
{
    public static DestroyGuardResult Evaluate(PlanSummary plan, string environment, IReadOnlyCollection<string> protectedEnvironments, bool allowDestroy, GuardedStep step)
    {
        var destroyed = plan.Replace.Select(a => $"replace {a}").Concat(plan.Delete.Select(a => $"delete {a}")).ToList();
        if (destroyed.Count == 0 || !protectedEnvironments.Contains(environment)) return new DestroyGuardResult(false, destroyed, null);

        var list = string.Join("\n", destroyed.Select(d => "  - " + d));
        if (allowDestroy)
            return new DestroyGuardResult(false, destroyed,
                $"The plan destroys {destroyed.Count} resource(s) in the protected environment '{environment}', allowed by --allow-destroy:\n{list}");
        var fix = step == GuardedStep.Plan
            ? "The plan was not kept, so apply cannot use it. If this is intended, re-run terraform-plan with --allow-destroy; " +
              "otherwise change the configuration or variables so the resources are kept (a renamed resource group is replaced)."
            : "It was not applied: apply checks the saved plan against the protection in force now, whatever it was when the plan was made. " +
              $"If this is intended, re-run apply with --allow-destroy; otherwise make a plan that keeps the resources (./build.sh --target=terraform-plan --env={environment}).";
        return new DestroyGuardResult(true, destroyed,
            $"The plan would destroy {destroyed.Count} resource(s) in the protected environment '{environment}':\n{list}\n{fix}");
    }
}

/// <summary><see cref="Blocked"/>: the plan must not be applied. <see cref="Message"/> says why, or notes an allowed destroy.</summary>
public sealed record DestroyGuardResult(bool Blocked, IReadOnlyList<string> Destroyed, string? Message);
