using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Sources;

namespace PoolGuard.Checks.Rules;

/// <summary>
/// PG003: the pools that connect to one database can together open more connections than it has usable slots —
/// the arithmetic across files nobody does by hand. Reported once per database, at its largest pool.
/// </summary>
public sealed class FleetDemandRule : ICheckRule
{
    public string Id => RuleIds.FleetDemandExceedsCapacity;
    public string Title => "the pools of one database can open more connections than it has";

    public IEnumerable<Finding> Check(CheckContext context)
    {
        if (context.Budget is not { } budget)
        {
            yield break;
        }
        foreach (var target in context.Pools.Where(p => p.Pooling).GroupBy(p => p.Target, StringComparer.Ordinal))
        {
            var pools = target.Select(p => (Pool: p, Max: p.EffectiveMax(NpgsqlConnectionString.DefaultMaxPoolSize)!.Value)).OrderByDescending(p => p.Max).ToList();
            var demand = pools.Sum(p => p.Max);
            if (demand <= budget.Usable)
            {
                continue;
            }
            var parts = string.Join(" + ", pools.Select(p => $"{p.Pool.Application} {p.Max}{(p.Pool.MaxPoolSize is null ? " (default)" : "")}"));
            var share = Math.Max(1, budget.Usable / pools.Count);
            yield return new Finding(Id, Severity.Error, pools[0].Pool.Location,
                $"{pools.Count} pool(s) on {target.Key} can open {demand} connections ({parts}) > {budget}",
                $"Maximum Pool Size={share} for each, or route them through PoolGuard with max_db_connections={budget.Usable}");
        }
    }
}
