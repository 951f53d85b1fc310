using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Fixes;

namespace PoolGuard.Checks.Rules;

/// <summary>
/// PG004: a gateway that does not hold the database within its capacity — nothing caps its server connections
/// (PgBouncer's pool_size = 0, unlimited since 1.24), or its cap times its instances alone is more than the server's
/// usable connections. The gateway is the one place a hard cap protects the database whatever the applications do.
/// </summary>
public sealed class GatewayCapsRule : ICheckRule
{
    public string Id => RuleIds.GatewayCapsExceedCapacity;
    public string Title => "a gateway's caps let it open more than the database has";

    public IEnumerable<Finding> Check(CheckContext context)
    {
        foreach (var gateway in context.Gateways)
        {
            var cap = gateway.Kind == "pgbouncer" ? "max_db_connections" : "max_server_connections";
            var budget = context.BudgetFor(gateway.Server);
            var instances = context.InstancesOf(gateway.Gateway);
            // Gateways on one server share it: each instance of each gets the same part of the usable connections.
            var gatewayInstances = context.Gateways.Where(g => g.Server.Equals(gateway.Server, StringComparison.OrdinalIgnoreCase)).Sum(g => context.InstancesOf(g.Gateway).Replicas);
            var perInstance = budget is null ? (int?)null : Math.Max(1, budget.Usable / Math.Max(instances.Replicas, gatewayInstances));
            var share = perInstance is null ? null : $"{cap} = {perInstance}";
            var fixes = perInstance is { } n ? Fix.GatewayCap(gateway, n) : [];
            if (gateway.MaxServerConnections is not { } max)
            {
                yield return new Finding(Id, Severity.Error, gateway.Location,
                    $"{gateway.Gateway}: nothing caps its server connections to {context.ServerName(gateway.Server)} ({gateway.Basis}): every client that waits gets a new server connection",
                    share ?? $"set a pool size and {cap} to the database's usable connections (give --max-connections to compute it)")
                { Subject = $"{gateway.Gateway}/{gateway.Server}", Fixes = fixes };
                continue;
            }
            if (budget is not null && max * instances.Replicas > budget.Usable)
            {
                var times = instances.Replicas > 1 ? $" × {instances.Replicas} instance(s) = {max * instances.Replicas}" : "";
                yield return new Finding(Id, Severity.Error, gateway.Location,
                    $"{gateway.Gateway}: can open {max} server connection(s) to {context.ServerName(gateway.Server)} ({gateway.Basis}){times} > {budget}",
                    share) { Subject = $"{gateway.Gateway}/{gateway.Server}", Fixes = fixes };
            }
        }
    }
}
