namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// The result-set layouts of PgBouncer 1.25's SHOW commands, written down independently of the gateway's
/// code in PgBouncer's own notation: a type letter per column (s text, i int4, N numeric, T timestamp sent
/// as text) and the column names in order, as its admin.c / stats.c send them and pgbouncer.org documents them.
/// </summary>
internal static class PgBouncerLayouts
{
    public static readonly IReadOnlyDictionary<string, (string Types, string Names)> Show = new Dictionary<string, (string, string)>
    {
        ["POOLS"] = ("ssiiiiiiiiiiiiiss",
            "database user cl_active cl_waiting cl_active_cancel_req cl_waiting_cancel_req sv_active sv_active_cancel "
            + "sv_being_canceled sv_idle sv_used sv_tested sv_login maxwait maxwait_us pool_mode load_balance_hosts"),
        ["STATS"] = ("sNNNNNNNNNNNNNNNNNNNNNNNN",
            "database total_server_assignment_count total_xact_count total_query_count total_received total_sent "
            + "total_xact_time total_query_time total_wait_time total_client_parse_count total_server_parse_count "
            + "total_bind_count total_client_connect_count avg_server_assignment_count avg_xact_count avg_query_count "
            + "avg_recv avg_sent avg_xact_time avg_query_time avg_wait_time avg_client_parse_count "
            + "avg_server_parse_count avg_bind_count avg_client_connect_count"),
        ["STATS_TOTALS"] = ("sNNNNNNNNNNNN",
            "database server_assignment_count xact_count query_count bytes_received bytes_sent xact_time query_time "
            + "wait_time client_parse_count server_parse_count bind_count client_connect_count"),
        ["STATS_AVERAGES"] = ("sNNNNNNNNNNNN",
            "database server_assignment_count xact_count query_count bytes_received bytes_sent xact_time query_time "
            + "wait_time avg_client_parse_count avg_server_parse_count avg_bind_count client_connect_count"),
        ["CLIENTS"] = (Sockets, SocketNames),
        ["SERVERS"] = (Sockets, SocketNames),
        ["DATABASES"] = ("ssissiiiissiiiiii",
            "name host port database force_user pool_size min_pool_size reserve_pool_size server_lifetime pool_mode "
            + "load_balance_hosts max_connections current_connections max_client_connections current_client_connections paused disabled"),
        ["USERS"] = ("ssssiiii",
            "name pool_size reserve_pool_size pool_mode max_user_connections current_connections "
            + "max_user_client_connections current_client_connections"),
        ["LISTS"] = ("si", "list items"),
        ["CONFIG"] = ("ssss", "key value default changeable"),
        ["VERSION"] = ("s", "version"),
        ["STATE"] = ("ss", "key value"),
    };

    private const string Sockets = "ssssssisiTTiiississii";

    private const string SocketNames =
        "type user database replication state addr port local_addr local_port connect_time request_time wait wait_us "
        + "close_needed ptr link remote_pid tls application_name prepared_statements id";

    /// <summary>The type OID PgBouncer puts in RowDescription for a type letter.</summary>
    public static int Oid(char type) => type switch
    {
        'i' => 23,
        'q' => 20,
        'N' => 1700,
        _ => 25, // 's' and 'T': PgBouncer sends timestamps as text
    };

    public static IReadOnlyList<RowField> Fields(string subject)
    {
        var (types, names) = Show[subject];
        var split = names.Split(' ');
        Assert.Equal(types.Length, split.Length);
        return [.. split.Select((name, i) => new RowField(name, Oid(types[i])))];
    }
}
