namespace PoolGuard.LoadTest.Sampling;

/// <summary>The names of the sampled figures, as they appear in the JSON result and the report.</summary>
public static class ResourceNames
{
    /// <summary>Client backends of the whole server (every database), as max_connections counts them.</summary>
    public const string DatabaseConnections = "db_connections";
    public const string DatabaseActive = "db_active";
    public const string DatabaseIdle = "db_idle";
    public const string DatabaseIdleInTransaction = "db_idle_in_transaction";
    public const string DatabaseLockWaits = "db_lock_waits";
    public const string DatabaseMaxConnections = "db_max_connections";

    /// <summary>Summed over the gateway's pools (pgbouncer_pools_* on /metrics: PoolGuard's, or pgbouncer_exporter's).</summary>
    public const string GatewayClientsActive = "gateway_clients_active";
    public const string GatewayClientsWaiting = "gateway_clients_waiting";
    public const string GatewayServersActive = "gateway_servers_active";
    public const string GatewayServersIdle = "gateway_servers_idle";

    /// <summary>The longest a client of any pool has waited for a server, in seconds.</summary>
    public const string GatewayMaxWaitSeconds = "gateway_max_wait_seconds";

    /// <summary>Counters since the gateway started, summed over its databases: transactions relayed, and the seconds servers spent in them.</summary>
    public const string GatewayTransactionsTotal = "gateway_transactions_total";
    public const string GatewayTransactionSecondsTotal = "gateway_transaction_seconds_total";
}
