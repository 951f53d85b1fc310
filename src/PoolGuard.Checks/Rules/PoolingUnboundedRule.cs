using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Fixes;

namespace PoolGuard.Checks.Rules;

/// <summary>PG001: Pooling=false — every Open() is a new PostgreSQL connection and nothing caps how many are open at once.</summary>
public sealed class PoolingUnboundedRule : ICheckRule
{
    public string Id => RuleIds.PoolingUnbounded;
    public string Title => "client pooling turned off: connections unbounded";

    public IEnumerable<Finding> Check(CheckContext context) =>
        context.Pools.Where(p => !p.Pooling).Select(p => new Finding(Id, Severity.Error, p.Location,
            $"{p.Name}: {p.UnboundedBy}, so every open is a new connection to {p.Target} and nothing caps how many are open at once",
            $"remove {p.UnboundedBy} and set {p.MaxSetting} (or route the application through PoolGuard)")
        {
            Subject = $"{p.Application}/{p.Name}",
            // With a budget, --fix knows the share to cap it at; without one it would only trade this for PG002.
            Fixes = context.OnDatabase(p) && context.BudgetFor(p.Server) is { } budget
                ? Fix.Pool(p, ("Pooling", null), (Fix.MaxPoolSize, FleetDemandRule.PerInstanceShare(context, p.Server, budget).ToString(System.Globalization.CultureInfo.InvariantCulture)))
                : [],
        });
}
