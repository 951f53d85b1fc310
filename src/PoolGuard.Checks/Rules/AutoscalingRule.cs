using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Fixes;

namespace PoolGuard.Checks.Rules;

/// <summary>
/// PG007: the fleet fits today, but not when the autoscaler reaches its maxReplicas — which it does under exactly
/// the surge that needs the database most. Reported at the maxReplicas of the largest autoscaled contributor.
/// </summary>
public sealed class AutoscalingRule : ICheckRule
{
    public string Id => RuleIds.AutoscalingBreaksBudget;
    public string Title => "at the autoscaler's maxReplicas the fleet breaks the budget";

    public IEnumerable<Finding> Check(CheckContext context)
    {
        foreach (var scaled in ServerDemand.All(context, atMaxReplicas: true))
        {
            if (context.BudgetFor(scaled.Server) is not { } budget || scaled.Total <= budget.Usable
                || ServerDemand.For(context, scaled.Server, atMaxReplicas: false).Total > budget.Usable // PG003 already says it
                || scaled.Parts.Where(p => p.Autoscaled).MaxBy(p => p.Total) is not { } largest)
            {
                continue;
            }
            var perInstance = Math.Max(1, (budget.Usable - scaled.Parts.Where(p => !p.Autoscaled).Sum(p => p.Total)) / scaled.Parts.Where(p => p.Autoscaled).Sum(p => p.Instances));
            yield return new Finding(Id, Severity.Error, largest.InstancesAt ?? largest.Location,
                $"at maxReplicas the pools on {context.ServerName(scaled.Server)} can open {scaled.Total} connections ({scaled.Spelled()}) > {budget}",
                $"at most {perInstance} per instance of the autoscaled applications, or maxReplicas {Math.Max(1, (budget.Usable - (scaled.Total - largest.Total)) / largest.PerInstance)} for {largest.Who}")
            {
                Subject = scaled.Server,
                Fixes = [.. FleetDemandRule.Oversized(context, scaled.Server, perInstance)
                    .Where(p => context.InstancesOf(p.Application).MaxReplicas > context.InstancesOf(p.Application).Replicas)
                    .SelectMany(p => Fix.PoolSize(p, perInstance))],
            };
        }
    }
}
