using PoolGuard.Config.Model;

namespace PoolGuard.Config.Alerts;

/// <summary>
/// The rules PoolGuard ships, on unless a rule of the same name turns one off (<c>enabled=false</c>) or changes
/// it. Each has a runbook in docs/runbooks/. The thresholds follow the postmortem: warn while there is still
/// time to act (80 %), page when there is none (95 %), and name who holds the connections.
/// </summary>
public static class DefaultAlertRules
{
    private const string Pool = "{{ $labels.database }}/{{ $labels.user }}";
    private const string TopApplication = "{{ top \"poolguard_db_connections_by_application\" \"application\" }}";

    public static readonly IReadOnlyList<AlertRuleEntry> All =
    [
        new()
        {
            Name = "PoolUtilisationHigh", Expr = "poolguard_pool_utilisation_ratio >= 0.8", For = TimeSpan.FromMinutes(1), Resolve = 0.7,
            Severity = "warning", RunbookUrl = Runbook("pool-utilisation"),
            Summary = $"Pool {Pool} has {{{{ $value | humanizePercentage }}}} of its servers in use",
            Description = "Clients will start to queue when the pool is full. Raise pool_size if the database has headroom, or find what holds the servers (SHOW CLIENTS).",
        },
        new()
        {
            Name = "PoolUtilisationCritical", Expr = "poolguard_pool_utilisation_ratio >= 0.95", For = TimeSpan.FromMinutes(1), Resolve = 0.9,
            Severity = "critical", RunbookUrl = Runbook("pool-utilisation"),
            Summary = $"Pool {Pool} is full: {{{{ $value | humanizePercentage }}}} of its servers in use",
            Description = "New transactions wait for a server. Exhaustion, slow queries and lock waits look alike here: the runbook tells them apart.",
        },
        new()
        {
            Name = "ClientsWaiting", Expr = "pgbouncer_pools_client_waiting_connections > 0", For = TimeSpan.FromSeconds(30),
            Severity = "warning", RunbookUrl = Runbook("clients-waiting"),
            Summary = $"Clients are queued for a server of pool {Pool}: {{{{ $value }}}} waiting",
            Description = "Every server of the pool is busy. Waiting clients time out after query_wait_timeout.",
        },
        new()
        {
            Name = "ClientWaitLong", Expr = "pgbouncer_pools_client_maxwait_seconds >= 1", Resolve = 0.5,
            Severity = "warning", RunbookUrl = Runbook("clients-waiting"),
            Summary = $"A client of pool {Pool} has waited {{{{ $value | humanizeDuration }}}} for a server",
            Description = "Queries now spend more time queued in PoolGuard than they usually run.",
        },
        new()
        {
            Name = "WaitTimeouts", Expr = "increase(db_client_connection_timeouts_total[1m]) > 0",
            Severity = "critical", RunbookUrl = Runbook("clients-refused"),
            Summary = "Clients of pool {{ $labels.db_client_connection_pool_name }} gave up waiting for a server in the last minute",
            Description = "query_wait_timeout expired: applications are getting errors.",
        },
        new()
        {
            Name = "ClientsRefused", Expr = "increase(poolguard_client_refusals_total[1m]) > 0",
            Severity = "critical", RunbookUrl = Runbook("clients-refused"),
            Summary = "PoolGuard refused clients in the last minute ({{ $labels.error_type }})",
            Description = "max_client_conn or max_waiting_clients was reached; refused clients got SQLSTATE 53300.",
        },
        new()
        {
            Name = "ServerConnectionFailures", Expr = "increase(poolguard_server_connection_failures_total[1m]) > 0",
            Severity = "critical", RunbookUrl = Runbook("server-connection-failures"),
            Summary = "PoolGuard could not open server connections for {{ $labels.db_client_connection_pool_name }} ({{ $labels.error_type }})",
            Description = "PostgreSQL is unreachable, slow to accept, or refuses the login (check its max_connections and pg_hba.conf).",
        },
        new()
        {
            Name = "DatabaseConnectionsHigh", Expr = "poolguard_db_connection_utilisation_ratio >= 0.8", For = TimeSpan.FromSeconds(30), Resolve = 0.7,
            Severity = "warning", RunbookUrl = Runbook("database-connections"),
            Summary = $"Database {{{{ $labels.database }}}} has {{{{ $value | humanizePercentage }}}} of its usable connections open; most are held by {TopApplication}",
            Description = "PostgreSQL refuses new connections (53300) once they are all used, for every application, PoolGuard's pools included.",
        },
        new()
        {
            Name = "DatabaseConnectionsCritical", Expr = "poolguard_db_connection_utilisation_ratio >= 0.95", Resolve = 0.9,
            Severity = "critical", RunbookUrl = Runbook("database-connections"),
            Summary = $"Database {{{{ $labels.database }}}} is about to refuse connections: {{{{ $value | humanizePercentage }}}} used, most by {TopApplication}",
            Description = "Cap the application holding the connections (its pool size, or route it through PoolGuard) before PostgreSQL refuses everyone.",
        },
        new()
        {
            Name = "IdleInTransactionOld", Expr = "poolguard_db_oldest_idle_in_transaction_seconds > 60", Resolve = 30,
            Severity = "warning", RunbookUrl = Runbook("idle-in-transaction"),
            Summary = "A session on {{ $labels.database }} has been idle inside a transaction for {{ $value | humanizeDuration }}",
            Description = "It holds its locks and its connection while doing nothing: usually an application that forgot to commit.",
        },
        new()
        {
            Name = "LockWaitLong", Expr = "poolguard_db_longest_lock_wait_seconds > 10", Resolve = 5,
            Severity = "warning", RunbookUrl = Runbook("lock-waits"),
            Summary = "A session on {{ $labels.database }} has waited {{ $value | humanizeDuration }} for a lock",
            Description = "Queries queue behind a lock holder; their connections stay busy, which looks like slow queries or exhaustion.",
        },
        new()
        {
            Name = "DatabaseDown", Expr = "poolguard_db_up == 0", For = TimeSpan.FromSeconds(30),
            Severity = "critical", RunbookUrl = Runbook("database-down"),
            Summary = "The watcher cannot sample database {{ $labels.database }}",
            Description = "PostgreSQL does not accept the watcher's connection, refuses its login, or does not answer within watch_query_timeout.",
        },
    ];

    public static AlertRuleEntry? Find(string name) => All.FirstOrDefault(r => r.Name == name);

    private static string Runbook(string name) => $"runbooks/{name}.md";
}
