using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Fixes;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Checks.Rules;

/// <summary>
/// PG003: everything that connects to one server — each application's pool times its replicas, each gateway's
/// cap times its instances — can together open more connections than the server has usable slots: the
/// arithmetic across files nobody does by hand. Reported once per server, at its largest contributor.
/// </summary>
public sealed class FleetDemandRule : ICheckRule
{
    public string Id => RuleIds.FleetDemandExceedsCapacity;
    public string Title => "everything on one server can open more connections than it has";

    public IEnumerable<Finding> Check(CheckContext context)
    {
        foreach (var demand in ServerDemand.All(context, atMaxReplicas: false))
        {
            if (context.BudgetFor(demand.Server) is not { } budget || demand.Total <= budget.Usable || demand.Parts.Count == 0)
            {
                continue;
            }
            var largest = demand.Parts.MaxBy(p => p.Total)!;
            var share = PerInstanceShare(context, demand.Server, budget);
            yield return new Finding(Id, Severity.Error, largest.Location,
                $"{Contributors(demand)} on {context.ServerName(demand.Server)} can open {demand.Total} connections ({demand.Spelled()}) > {budget}",
                Suggestion(context, demand, budget))
            {
                Subject = demand.Server,
                // While the gateways alone are over, the applications' share is not known yet: PG004's fix comes first.
                Fixes = demand.Parts.Where(p => p.Gateway).Sum(p => p.Total) >= budget.Usable ? []
                    : [.. Oversized(context, demand.Server, share).SelectMany(p => Fix.PoolSize(p, share))],
            };
        }
    }

    private static string Contributors(ServerDemand demand)
    {
        var gateways = demand.Parts.Count(p => p.Gateway);
        var pools = demand.Parts.Count - gateways;
        return string.Join(" and ", new[] { (pools, "pool(s)"), (gateways, "gateway(s)") }.Where(c => c.Item1 > 0).Select(c => $"{c.Item1} {c.Item2}"));
    }

    internal static string Suggestion(CheckContext context, ServerDemand demand, ConnectionBudget budget)
    {
        var gateways = demand.Parts.Where(p => p.Gateway).Sum(p => p.Total);
        if (gateways >= budget.Usable)
        {
            return $"lower the gateways' caps first: they alone can open {gateways} of the {budget.Usable} usable (PG004 says by how much)";
        }
        var share = PerInstanceShare(context, demand.Server, budget);
        var left = gateways > 0 ? $"{budget.Usable - gateways} left after the gateways' {gateways}" : $"{budget.Usable} usable";
        return $"at most {share} per application instance ({left} over {Instances(context, demand.Server)} instance(s)), "
            + $"or route them through PoolGuard with max_server_connections={budget.Usable}";
    }

    /// <summary>The usable connections left after the gateways' caps, divided evenly over every instance of every direct pool on
    /// the server — unbounded ones too: they need a share as much as the others, and --fix gives them one.</summary>
    internal static int PerInstanceShare(CheckContext context, string server, ConnectionBudget budget)
    {
        var gateways = ServerDemand.For(context, server, atMaxReplicas: false).Parts.Where(p => p.Gateway).Sum(p => p.Total);
        return Math.Max(1, (budget.Usable - gateways) / Math.Max(1, Instances(context, server)));
    }

    /// <summary>Every pool on the server above the share, override files' copies included: --fix lowers them all.</summary>
    internal static IEnumerable<Sources.ClientPool> Oversized(CheckContext context, string server, int share) =>
        context.Pools.Where(p => p.Pooling && context.OnDatabase(p) && p.Server.Equals(server, StringComparison.OrdinalIgnoreCase)
            && (context.PerInstanceMax(p) ?? int.MaxValue) > share);

    private static int Instances(CheckContext context, string server) =>
        context.CountedOn(server).Sum(p => context.InstancesOf(p.Application).Replicas);
}
