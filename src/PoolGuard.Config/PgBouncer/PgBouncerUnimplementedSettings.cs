namespace PoolGuard.Config.PgBouncer;

/// <summary>
/// Settings PgBouncer documents (1.21, plus the later additions so newer files load too) that PoolGuard
/// does not implement yet. They load with a warning naming the line rather than an error, so an existing
/// pgbouncer.ini starts as it is; a key in none of these lists is a typo and is an error.
/// </summary>
internal static class PgBouncerUnimplementedSettings
{
    public static readonly HashSet<string> Global = new(StringComparer.OrdinalIgnoreCase)
    {
        // generic
        "logfile", "pidfile", "unix_socket_dir", "unix_socket_mode", "unix_socket_group", "user",
        "reserve_pool_size", "reserve_pool_timeout", "max_db_client_connections", "max_user_client_connections",
        "server_round_robin", "track_extra_parameters", "peer_id", "disable_pqexec", "application_name_add_host",
        "conffile", "service_name", "job_name", "scram_iterations",
        // authentication
        "auth_hba_file", "auth_ident_file", "auth_user", "auth_query", "auth_dbname", "auth_ldap_options",
        // logging
        "syslog", "syslog_ident", "syslog_facility", "log_connections", "log_disconnections", "log_pooler_errors",
        "log_stats", "verbose",
        // sanity checks and timeouts
        "server_reset_query_always", "server_check_delay", "server_check_query", "server_fast_close",
        "server_login_retry", "autodb_idle_timeout", "pool_idle_timeout", "dns_max_ttl", "dns_nxdomain_ttl",
        "dns_zone_check_period", "resolv_conf", "query_wait_notify", "login_notify_message", "suspend_timeout",
        // TLS
        "client_tls_ciphers", "client_tls13_ciphers", "client_tls_ecdhcurve", "client_tls_dheparams",
        "server_tls_ciphers", "server_tls13_ciphers",
        // dangerous timeouts
        "cancel_wait_timeout", "transaction_timeout",
        // low-level network
        "pkt_buf", "max_packet_size", "listen_backlog", "sbuf_loopcnt", "so_reuseport", "tcp_defer_accept",
        "tcp_socket_buffer", "tcp_keepalive", "tcp_keepcnt", "tcp_keepidle", "tcp_keepintvl", "tcp_user_timeout",
    };

    /// <summary>Keys of a [databases] connection string that PoolGuard reads none of yet.</summary>
    public static readonly HashSet<string> Database = new(StringComparer.OrdinalIgnoreCase)
    {
        "auth_user", "auth_query", "auth_dbname", "client_encoding", "datestyle", "timezone", "connect_query",
        "reserve_pool", "reserve_pool_size", "application_name", "query_wait_timeout", "load_balance_hosts",
        "target_session_attrs", "max_db_client_connections", "server_lifetime",
    };

    /// <summary>Keys of a [users] entry that PoolGuard reads none of yet.</summary>
    public static readonly HashSet<string> User = new(StringComparer.OrdinalIgnoreCase)
    {
        "pool_size", "reserve_pool_size", "query_timeout", "query_wait_timeout", "idle_transaction_timeout",
        "transaction_timeout", "client_idle_timeout", "max_user_client_connections",
    };
}
