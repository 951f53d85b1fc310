using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Rules;

/// <summary>
/// PG005: connections kept open even when idle (Minimum Pool Size, min_pool_size) times the instances that keep them
/// take the server's slots from everyone else: an error past its usable connections, a warning past half of them.
/// </summary>
public sealed class MinimumPoolsRule : ICheckRule
{
    public string Id => RuleIds.MinimumPoolsStarveOthers;
    public string Title => "minimum pools × replicas hold the connections others need";

    public IEnumerable<Finding> Check(CheckContext context)
    {
        foreach (var server in context.Servers())
        {
            if (context.BudgetFor(server) is not { } budget)
            {
                continue;
            }
            var parts = context.CountedOn(server)
                .Where(p => p.Pooling && p.MinPoolSize > 0)
                .Select(p => (Who: p.Application, Min: p.MinPoolSize!.Value, Instances: context.InstancesOf(p.Application).Replicas, p.Location))
                .Concat(context.Gateways.Where(g => g.MinServerConnections > 0 && g.Server.Equals(server, StringComparison.OrdinalIgnoreCase))
                    .Select(g => (Who: g.Gateway, Min: g.MinServerConnections, Instances: context.InstancesOf(g.Gateway).Replicas, g.Location)))
                .OrderByDescending(p => p.Min * p.Instances).ToList();
            var held = parts.Sum(p => p.Min * p.Instances);
            if (parts.Count == 0 || held * 2 <= budget.Usable)
            {
                continue;
            }
            var spelled = ServerDemand.Terms(parts, p => p.Min * p.Instances, p => p.Instances > 1 ? $"{p.Who} {p.Min} × {p.Instances}" : $"{p.Who} {p.Min}");
            var severity = held > budget.Usable ? Severity.Error : Severity.Warning;
            var largest = parts[0];
            yield return new Finding(Id, severity, largest.Location,
                $"minimum pools keep {held} idle connection(s) open on {context.ServerName(server)} ({spelled}): "
                + (severity == Severity.Error ? $"more than its {budget}" : $"over half of its {budget}"),
                $"lower {largest.Who}'s minimum to {Math.Max(0, budget.Usable / 4 / Math.Max(1, largest.Instances))} or less: a minimum only saves connection set-up") { Subject = server };
        }
    }
}
