using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Fixes;

namespace PoolGuard.Checks.Rules;

/// <summary>
/// PG002: a pool without an explicit maximum gets the driver's default (Npgsql: 100 per instance), whatever the
/// database can take; and a client library whose default the check cannot know leaves a pool it cannot count.
/// </summary>
public sealed class NoExplicitMaximumRule : ICheckRule
{
    public string Id => RuleIds.NoExplicitMaximum;
    public string Title => "no explicit pool maximum: the driver's default applies";

    public IEnumerable<Finding> Check(CheckContext context)
    {
        foreach (var pool in context.Pools.Where(p => p.Pooling && p.MaxPoolSize is null))
        {
            var budget = context.ThroughGateway(pool) ? null : context.BudgetFor(pool.Server);
            var share = budget is null ? (int?)null : FleetDemandRule.PerInstanceShare(context, pool.Server, budget);
            if (pool.DefaultMaxPoolSize is { } fallback)
            {
                yield return new Finding(Id, Severity.Warning, pool.Location,
                    $"{pool.Name}: no {pool.MaxSetting}, so {pool.Driver}'s default of {fallback} per instance applies to {pool.Target}",
                    share is { } n
                        ? $"{pool.MaxSetting}={n} (its share of {budget!.Usable} usable connections on {context.ServerName(pool.Server)})"
                        : $"set {pool.MaxSetting} to this application's share of the database's connections (give --max-connections to compute it)")
                { Subject = $"{pool.Application}/{pool.Name}", Fixes = share is { } size ? Fix.PoolSize(pool, size) : [] };
            }
            else if (context.InstancesOf(pool.Application).MaxPoolSize is null)
            {
                yield return new Finding(Id, Severity.Warning, pool.Location,
                    $"{pool.Name}: no pool size the check can read for {pool.Target}{(pool.Hint is { } hint ? $" ({hint})" : "")}, so these connections are not counted",
                    $"set {pool.MaxSetting}{(share is { } n ? $"={n}" : "")}, or declare max_pool_size for {pool.Application} in .poolguard-check.yml")
                { Subject = $"{pool.Application}/{pool.Name}" };
            }
        }
    }
}
