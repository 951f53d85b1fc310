using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Sources;

namespace PoolGuard.Checks.Rules;

/// <summary>PG002: a pool without an explicit maximum gets the driver's default (Npgsql: 100 per instance), whatever the database can take.</summary>
public sealed class NoExplicitMaximumRule : ICheckRule
{
    public string Id => RuleIds.NoExplicitMaximum;
    public string Title => "no explicit pool maximum: the driver's default applies";

    public IEnumerable<Finding> Check(CheckContext context)
    {
        var pooled = context.Pools.Where(p => p.Pooling).ToList();
        foreach (var pool in pooled.Where(p => p.MaxPoolSize is null))
        {
            var sharing = pooled.Count(p => p.Target == pool.Target);
            var share = context.Budget is { } budget ? Math.Max(1, budget.Usable / Math.Max(1, sharing)) : (int?)null;
            var suggestion = share is { } n
                ? $"Maximum Pool Size={n} (its share of {context.Budget!.Usable} usable connections among {sharing} pool(s) on {pool.Target})"
                : "set Maximum Pool Size to this application's share of the database's connections (give --max-connections to compute it)";
            yield return new Finding(Id, Severity.Warning, pool.Location,
                $"{pool.Name}: no Maximum Pool Size, so Npgsql's default of {NpgsqlConnectionString.DefaultMaxPoolSize} per instance applies to {pool.Target}", suggestion);
        }
    }
}
