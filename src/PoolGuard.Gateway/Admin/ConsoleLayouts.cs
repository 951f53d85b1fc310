using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Admin;

/// <summary>
/// The columns of every SHOW command: names, order and type OIDs as PgBouncer 1.25 sends them (its
/// admin.c and stats.c; pgbouncer.org/usage.html documents the names), so scripts and exporters written
/// for PgBouncer read PoolGuard unchanged. PgBouncer's timestamps are text, its 64-bit statistics numeric.
/// </summary>
internal static class ConsoleLayouts
{
    public static readonly ResultColumn[] Pools =
    [
        Text("database"), Text("user"),
        Int4("cl_active"), Int4("cl_waiting"), Int4("cl_active_cancel_req"), Int4("cl_waiting_cancel_req"),
        Int4("sv_active"), Int4("sv_active_cancel"), Int4("sv_being_canceled"), Int4("sv_idle"), Int4("sv_used"),
        Int4("sv_tested"), Int4("sv_login"), Int4("maxwait"), Int4("maxwait_us"),
        Text("pool_mode"), Text("load_balance_hosts"),
    ];

    public static readonly ResultColumn[] Stats =
    [
        Text("database"),
        Numeric("total_server_assignment_count"), Numeric("total_xact_count"), Numeric("total_query_count"),
        Numeric("total_received"), Numeric("total_sent"), Numeric("total_xact_time"), Numeric("total_query_time"),
        Numeric("total_wait_time"), Numeric("total_client_parse_count"), Numeric("total_server_parse_count"),
        Numeric("total_bind_count"), Numeric("total_client_connect_count"),
        Numeric("avg_server_assignment_count"), Numeric("avg_xact_count"), Numeric("avg_query_count"),
        Numeric("avg_recv"), Numeric("avg_sent"), Numeric("avg_xact_time"), Numeric("avg_query_time"),
        Numeric("avg_wait_time"), Numeric("avg_client_parse_count"), Numeric("avg_server_parse_count"),
        Numeric("avg_bind_count"), Numeric("avg_client_connect_count"),
    ];

    public static readonly ResultColumn[] StatsTotals =
    [
        Text("database"),
        Numeric("server_assignment_count"), Numeric("xact_count"), Numeric("query_count"),
        Numeric("bytes_received"), Numeric("bytes_sent"), Numeric("xact_time"), Numeric("query_time"),
        Numeric("wait_time"), Numeric("client_parse_count"), Numeric("server_parse_count"), Numeric("bind_count"),
        Numeric("client_connect_count"),
    ];

    /// <summary>PgBouncer names three of these columns avg_*, unlike their neighbours; kept as it sends them.</summary>
    public static readonly ResultColumn[] StatsAverages =
    [
        Text("database"),
        Numeric("server_assignment_count"), Numeric("xact_count"), Numeric("query_count"),
        Numeric("bytes_received"), Numeric("bytes_sent"), Numeric("xact_time"), Numeric("query_time"),
        Numeric("wait_time"), Numeric("avg_client_parse_count"), Numeric("avg_server_parse_count"),
        Numeric("avg_bind_count"), Numeric("client_connect_count"),
    ];

    /// <summary>SHOW CLIENTS and SHOW SERVERS share one layout.</summary>
    public static readonly ResultColumn[] Connections =
    [
        Text("type"), Text("user"), Text("database"), Text("replication"), Text("state"),
        Text("addr"), Int4("port"), Text("local_addr"), Int4("local_port"),
        Text("connect_time"), Text("request_time"), Int4("wait"), Int4("wait_us"), Int4("close_needed"),
        Text("ptr"), Text("link"), Int4("remote_pid"), Text("tls"), Text("application_name"),
        Int4("prepared_statements"), Int4("id"),
    ];

    public static readonly ResultColumn[] Databases =
    [
        Text("name"), Text("host"), Int4("port"), Text("database"), Text("force_user"),
        Int4("pool_size"), Int4("min_pool_size"), Int4("reserve_pool_size"), Int4("server_lifetime"),
        Text("pool_mode"), Text("load_balance_hosts"), Int4("max_connections"), Int4("current_connections"),
        Int4("max_client_connections"), Int4("current_client_connections"), Int4("paused"), Int4("disabled"),
    ];

    public static readonly ResultColumn[] Users =
    [
        Text("name"), Text("pool_size"), Text("reserve_pool_size"), Text("pool_mode"),
        Int4("max_user_connections"), Int4("current_connections"),
        Int4("max_user_client_connections"), Int4("current_client_connections"),
    ];

    public static readonly ResultColumn[] Lists = [Text("list"), Int4("items")];

    public static readonly ResultColumn[] Config = [Text("key"), Text("value"), Text("default"), Text("changeable")];

    public static readonly ResultColumn[] Version = [Text("version")];

    public static readonly ResultColumn[] State = [Text("key"), Text("value")];

    private static ResultColumn Text(string name) => new(name, TypeOids.Text);
    private static ResultColumn Int4(string name) => new(name, TypeOids.Int4);
    private static ResultColumn Numeric(string name) => new(name, TypeOids.Numeric);
}
