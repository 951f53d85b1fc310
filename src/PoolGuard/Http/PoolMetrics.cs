using PoolGuard.Gateway.Hosting;

namespace PoolGuard.Http;

/// <summary>
/// PoolGuard's per-pool figures that pgbouncer_exporter has no name for: how much of each pool is in use,
/// the figure the pool-utilisation alerts read (Prometheus could divide two series, PoolGuard's engine
/// compares one).
/// </summary>
internal static class PoolMetrics
{
    public static void Write(PrometheusText text, GatewayServer gateway)
    {
        text.Family("poolguard_pool_utilisation_ratio", "gauge",
            "Servers of the pool linked to a client (sv_active) as a share of its pool size (0-1)");
        foreach (var pool in gateway.GetPools())
        {
            if (pool.PoolSize > 0)
            {
                text.Sample("poolguard_pool_utilisation_ratio", (double)pool.ServersActive / pool.PoolSize,
                    ("database", pool.Key.Database), ("user", pool.Key.User));
            }
        }
    }
}
