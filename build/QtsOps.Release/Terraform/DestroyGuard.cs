namespace QtsOps.Release.Terraform;

/// <summary>A plan that destroys or replaces resources of a protected environment needs an explicit --allow-destroy.</summary>
public static class DestroyGuard
{
    public static DestroyGuardResult Evaluate(PlanSummary plan, string environment, IReadOnlyCollection<string> protectedEnvironments, bool allowDestroy)
    {
        var destroyed = plan.Replace.Select(a => $"replace {a}").Concat(plan.Delete.Select(a => $"delete {a}")).ToList();
        if (destroyed.Count == 0 || !protectedEnvironments.Contains(environment)) return new DestroyGuardResult(false, destroyed, null);

        var list = string.Join("\n", destroyed.Select(d => "  - " + d));
        if (allowDestroy)
            return new DestroyGuardResult(false, destroyed,
                $"The plan destroys {destroyed.Count} resource(s) in the protected environment '{environment}', allowed by --allow-destroy:\n{list}");
        return new DestroyGuardResult(true, destroyed,
            $"The plan would destroy {destroyed.Count} resource(s) in the protected environment '{environment}':\n{list}\n" +
            "The plan was not kept, so apply cannot use it. If this is intended, re-run terraform-plan with --allow-destroy; " +
            "otherwise change the configuration or variables so the resources are kept (a renamed resource group is replaced).");
    }
}

/// <summary><see cref="Blocked"/>: the plan must not be applied. <see cref="Message"/> says why, or notes an allowed destroy.</summary>
public sealed record DestroyGuardResult(bool Blocked, IReadOnlyList<string> Destroyed, string? Message);
