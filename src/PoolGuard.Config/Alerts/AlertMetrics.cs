using System.Collections.Frozen;

namespace PoolGuard.Config.Alerts;

/// <summary>
/// The series an alert rule may read: every gauge and counter family `/metrics` serves, under the same
/// name and type, so a rule checked here reads the same numbers in PoolGuard's engine and in Prometheus.
/// Histograms and the process/runtime families are left out (a rule over them needs PromQL functions the
/// engine does not have). An integration test holds this list to a real scrape.
/// </summary>
public static class AlertMetrics
{
    public const string Gauge = "gauge";
    public const string Counter = "counter";

    public static readonly FrozenDictionary<string, string> Types = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["pgbouncer_up"] = Gauge,
        ["pgbouncer_version_info"] = Gauge,
        ["pgbouncer_pools_client_active_connections"] = Gauge,
        ["pgbouncer_pools_client_waiting_connections"] = Gauge,
        ["pgbouncer_pools_client_active_cancel_connections"] = Gauge,
        ["pgbouncer_pools_client_waiting_cancel_connections"] = Gauge,
        ["pgbouncer_pools_server_active_connections"] = Gauge,
        ["pgbouncer_pools_server_active_cancel_connections"] = Gauge,
        ["pgbouncer_pools_server_being_canceled_connections"] = Gauge,
        ["pgbouncer_pools_server_idle_connections"] = Gauge,
        ["pgbouncer_pools_server_used_connections"] = Gauge,
        ["pgbouncer_pools_server_testing_connections"] = Gauge,
        ["pgbouncer_pools_server_login_connections"] = Gauge,
        ["pgbouncer_pools_client_maxwait_seconds"] = Gauge,
        ["pgbouncer_stats_server_assignments_total"] = Counter,
        ["pgbouncer_stats_queries_pooled_total"] = Counter,
        ["pgbouncer_stats_queries_duration_seconds_total"] = Counter,
        ["pgbouncer_stats_received_bytes_total"] = Counter,
        ["pgbouncer_stats_sent_bytes_total"] = Counter,
        ["pgbouncer_stats_client_wait_seconds_total"] = Counter,
        ["pgbouncer_stats_sql_transactions_pooled_total"] = Counter,
        ["pgbouncer_stats_server_in_transaction_seconds_total"] = Counter,
        ["pgbouncer_databases_pool_size"] = Gauge,
        ["pgbouncer_databases_min_pool_size"] = Gauge,
        ["pgbouncer_databases_reserve_pool"] = Gauge,
        ["pgbouncer_databases_max_connections"] = Gauge,
        ["pgbouncer_databases_current_connections"] = Gauge,
        ["pgbouncer_databases_paused"] = Gauge,
        ["pgbouncer_databases_disabled"] = Gauge,
        ["pgbouncer_config_max_client_connections"] = Gauge,
        ["pgbouncer_config_max_user_connections"] = Gauge,
        ["db_client_connection_count"] = Gauge,
        ["db_client_connection_idle_max"] = Gauge,
        ["db_client_connection_idle_min"] = Gauge,
        ["db_client_connection_max"] = Gauge,
        ["db_client_connection_pending_requests"] = Gauge,
        ["poolguard_client_connections"] = Gauge,
        ["poolguard_client_refusals_total"] = Counter,
        ["poolguard_config_reloads_total"] = Counter,
        ["poolguard_limit"] = Gauge,
        ["poolguard_server_connection_failures_total"] = Counter,
        ["poolguard_server_connections"] = Gauge,
        ["db_client_connection_timeouts_total"] = Counter,
        ["poolguard_db_up"] = Gauge,
        ["poolguard_db_sample_duration_seconds"] = Gauge,
        ["poolguard_db_max_connections"] = Gauge,
        ["poolguard_db_superuser_reserved_connections"] = Gauge,
        ["poolguard_db_usable_connections"] = Gauge,
        ["poolguard_db_connections"] = Gauge,
        ["poolguard_db_connection_headroom"] = Gauge,
        ["poolguard_db_connection_utilisation_ratio"] = Gauge,
        ["poolguard_db_idle_in_transaction_connections"] = Gauge,
        ["poolguard_db_oldest_idle_in_transaction_seconds"] = Gauge,
        ["poolguard_db_longest_query_seconds"] = Gauge,
        ["poolguard_db_lock_waiting_sessions"] = Gauge,
        ["poolguard_db_longest_lock_wait_seconds"] = Gauge,
        ["poolguard_db_commits_total"] = Counter,
        ["poolguard_db_rollbacks_total"] = Counter,
        ["poolguard_db_deadlocks_total"] = Counter,
        ["poolguard_db_connections_by_state"] = Gauge,
        ["poolguard_db_connections_by_application"] = Gauge,
        ["poolguard_db_connections_by_client_address"] = Gauge,
        ["poolguard_db_connections_by_user"] = Gauge,
        ["poolguard_pool_utilisation_ratio"] = Gauge,
        ["poolguard_alert_notifications_total"] = Counter,
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
