using PoolGuard.Gateway.Hosting;

namespace PoolGuard.Http;

/// <summary>
/// The pgbouncer_* family with the names, labels and types the prometheus-community pgbouncer_exporter
/// gives them, read from the snapshots SHOW POOLS / STATS / DATABASES / CONFIG print, so Grafana
/// dashboards and alert rules written for PgBouncer work unchanged. Columns PoolGuard has no state
/// for (cancel requests, sv_tested, reserve pools) are exported as 0, as SHOW prints them.
/// </summary>
internal static class PgBouncerMetrics
{
    private static readonly (string Name, string Help, Func<Gateway.Pooling.PoolSnapshot, double> Read)[] Pools =
    [
        ("pgbouncer_pools_client_active_connections", "Client connections linked to server connection and able to process queries (cl_active)", p => p.ClientsActive),
        ("pgbouncer_pools_client_waiting_connections", "Client connections waiting on a server connection (cl_waiting)", p => p.ClientsWaiting),
        ("pgbouncer_pools_client_active_cancel_connections", "Client connections that have forwarded query cancellations to the server (cl_active_cancel_req)", _ => 0),
        ("pgbouncer_pools_client_waiting_cancel_connections", "Client connections that have not forwarded query cancellations to the server yet (cl_waiting_cancel_req)", _ => 0),
        ("pgbouncer_pools_server_active_connections", "Server connections linked to a client connection (sv_active)", p => p.ServersActive),
        ("pgbouncer_pools_server_active_cancel_connections", "Server connections currently forwarding a cancel request (sv_active_cancel)", _ => 0),
        ("pgbouncer_pools_server_being_canceled_connections", "Servers that normally could become idle, but are waiting to do so until all in-flight cancel requests have completed (sv_being_canceled)", _ => 0),
        ("pgbouncer_pools_server_idle_connections", "Server connections idle and ready for a client query (sv_idle)", p => p.ServersIdle),
        ("pgbouncer_pools_server_used_connections", "Server connections idle more than server_check_delay, needing server_check_query (sv_used)", p => p.ServersUsed),
        ("pgbouncer_pools_server_testing_connections", "Server connections currently running either server_reset_query or server_check_query (sv_tested)", _ => 0),
        ("pgbouncer_pools_server_login_connections", "Server connections currently in the process of logging in (sv_login)", p => p.ServersLogin),
        ("pgbouncer_pools_client_maxwait_seconds", "Age of oldest unserved client connection, shown as second (maxwait + maxwait_us)", p => p.MaxWait.TotalSeconds),
    ];

    private static readonly (string Name, string Help, Func<Gateway.Stats.StatsCounters, double> Read)[] Stats =
    [
        ("pgbouncer_stats_server_assignments_total", "Total number of times a server was assigned to a client (total_server_assignment_count)", s => s.ServerAssignmentCount),
        ("pgbouncer_stats_queries_pooled_total", "Total number of SQL queries pooled (total_query_count)", s => s.QueryCount),
        ("pgbouncer_stats_queries_duration_seconds_total", "Total number of seconds spent by pgbouncer when actively connected to PostgreSQL, executing queries (total_query_time)", s => s.QueryTimeMicroseconds / 1e6),
        ("pgbouncer_stats_received_bytes_total", "Total volume in bytes of network traffic received by pgbouncer, shown as bytes (total_received)", s => s.BytesReceived),
        ("pgbouncer_stats_sent_bytes_total", "Total volume in bytes of network traffic sent by pgbouncer, shown as bytes (total_sent)", s => s.BytesSent),
        ("pgbouncer_stats_client_wait_seconds_total", "Time spent by clients waiting for a server in seconds (total_wait_time)", s => s.WaitTimeMicroseconds / 1e6),
        ("pgbouncer_stats_sql_transactions_pooled_total", "Total number of SQL transactions pooled (total_xact_count)", s => s.XactCount),
        ("pgbouncer_stats_server_in_transaction_seconds_total", "Total number of seconds spent by pgbouncer when connected to PostgreSQL in a transaction, either idle in transaction or executing queries (total_xact_time)", s => s.XactTimeMicroseconds / 1e6),
    ];

    public static void Write(PrometheusText text, GatewayServer gateway, string version)
    {
        text.Family("pgbouncer_up", "gauge", "The pgbouncer scrape succeeded");
        text.Sample("pgbouncer_up", 1);
        text.Family("pgbouncer_version_info", "gauge", "The pgbouncer version info");
        text.Sample("pgbouncer_version_info", 1, ("version", version));

        var pools = gateway.View.Pools()
            .OrderBy(p => p.Key.Database, StringComparer.Ordinal).ThenBy(p => p.Key.User, StringComparer.Ordinal)
            .ToList();
        foreach (var (name, help, read) in Pools)
        {
            text.Family(name, "gauge", help);
            foreach (var pool in pools)
            {
                text.Sample(name, read(pool), ("database", pool.Key.Database), ("user", pool.Key.User));
            }
        }

        var stats = gateway.View.Stats();
        foreach (var (name, help, read) in Stats)
        {
            text.Family(name, "counter", help);
            foreach (var database in stats)
            {
                text.Sample(name, read(database.Totals), ("database", database.Database));
            }
        }

        WriteDatabases(text, gateway, pools);

        var config = gateway.Config;
        text.Family("pgbouncer_config_max_client_connections", "gauge", "Config maximum number of client connections (max_client_conn)");
        text.Sample("pgbouncer_config_max_client_connections", config.MaxClientConn);
        text.Family("pgbouncer_config_max_user_connections", "gauge", "Config maximum number of server connections per user (max_user_connections)");
        text.Sample("pgbouncer_config_max_user_connections", config.MaxUserConnections);
    }

    private static void WriteDatabases(PrometheusText text, GatewayServer gateway, List<Gateway.Pooling.PoolSnapshot> pools)
    {
        var config = gateway.Config;
        var databases = config.Databases.Values.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        var families = new (string Name, string Help, Func<Config.Model.DatabaseEntry, double> Read)[]
        {
            ("pgbouncer_databases_pool_size", "Maximum number of server connections (pool_size)", d => d.PoolSize ?? config.DefaultPoolSize),
            ("pgbouncer_databases_min_pool_size", "Minimum number of server connections (min_pool_size)", d => d.MinPoolSize ?? config.MinPoolSize),
            ("pgbouncer_databases_reserve_pool", "Maximum number of additional connections for this database (reserve_pool_size)", _ => 0),
            ("pgbouncer_databases_max_connections", "Maximum number of allowed connections for this database (max_db_connections)", d => d.MaxDbConnections ?? config.MaxDbConnections),
            ("pgbouncer_databases_current_connections", "Current number of connections for this database (current_connections)",
                d => pools.Where(p => p.Key.Database == d.Name).Sum(p => p.ServersTotal)),
            ("pgbouncer_databases_paused", "1 if this database is currently paused, else 0 (paused)", d => gateway.IsPaused(d.Name) ? 1 : 0),
            ("pgbouncer_databases_disabled", "1 if this database is currently disabled, else 0 (disabled)", d => gateway.IsDisabled(d.Name) ? 1 : 0),
        };
        foreach (var (name, help, read) in families)
        {
            text.Family(name, "gauge", help);
            foreach (var d in databases)
            {
                text.Sample(name, read(d),
                    ("name", d.Name), ("host", d.Host), ("port", d.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("database", d.ServerDatabase), ("force_user", d.User ?? ""),
                    ("pool_mode", Config.PgBouncer.PgBouncerConfigListing.PoolModeText(d.PoolMode ?? config.PoolMode)));
            }
        }
    }
}
