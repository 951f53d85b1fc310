using PoolGuard.Config.PgBouncer;

namespace PoolGuard.Gateway.Admin;

/// <summary>SHOW POOLS: one row per (database, user) pool, counts from the same snapshot the gateway's view (IGatewayView.Pools) returns.</summary>
internal static class ShowPools
{
    public static ConsoleTable Run(ConsoleContext context)
    {
        var rows = new List<string?[]>();
        foreach (var pool in context.Inspector.Pools().OrderBy(p => p.Key.Database, StringComparer.Ordinal).ThenBy(p => p.Key.User, StringComparer.Ordinal))
        {
            var maxWaitMicroseconds = (long)pool.MaxWait.TotalMicroseconds;
            rows.Add(
            [
                pool.Key.Database, pool.Key.User,
                N(pool.ClientsActive), N(pool.ClientsWaiting), "0", "0",
                N(pool.ServersActive), "0", "0", N(pool.ServersIdle), N(pool.ServersUsed), "0", N(pool.ServersLogin),
                N(maxWaitMicroseconds / 1_000_000), N(maxWaitMicroseconds % 1_000_000),
                PgBouncerConfigListing.PoolModeText(pool.Mode),
                null,
            ]);
        }
        return new ConsoleTable(ConsoleLayouts.Pools, rows);
    }

    private static string N(long value) => ConsoleContext.Number(value);
}
