namespace PoolGuard.Monitoring.Watcher;

/// <summary>
/// The statements of one sample, sent as one batch (one round trip, one statement_timeout each).
/// Each is bounded: grouped counts rather than a row per session, one row for the oldest and the
/// longest, at most <see cref="MaxLockWaits"/> lock waiters. Only client backends count as
/// connections (autovacuum and walsenders use their own slots). No query text is read: it may hold
/// literals that are secrets.
/// </summary>
internal static class SampleQueries
{
    public const int MaxLockWaits = 50;

    public static readonly string[] Statements =
    [
        // 0: capacity, and who the watcher is.
        """
        select (select setting::int from pg_settings where name = 'max_connections'),
               (select setting::int from pg_settings where name = 'superuser_reserved_connections'),
               pg_backend_pid()
        """,
        // 1: connections grouped by state, application, client address and user.
        """
        select coalesce(state, 'unknown'), coalesce(application_name, ''),
               coalesce(host(client_addr), 'local'), coalesce(usename, ''), count(*)::int
        from pg_stat_activity
        where backend_type = 'client backend'
        group by 1, 2, 3, 4
        """,
        // 2: idle in transaction: how many, and the oldest.
        """
        select pid, coalesce(application_name, ''), coalesce(usename, ''), coalesce(host(client_addr), 'local'),
               extract(epoch from clock_timestamp() - state_change)::float8, count(*) over ()::int
        from pg_stat_activity
        where state in ('idle in transaction', 'idle in transaction (aborted)')
        order by state_change
        limit 1
        """,
        // 3: the query running longest, the watcher's own left out.
        """
        select pid, coalesce(application_name, ''), coalesce(usename, ''), coalesce(host(client_addr), 'local'),
               extract(epoch from clock_timestamp() - query_start)::float8
        from pg_stat_activity
        where state = 'active' and backend_type = 'client backend' and pid <> pg_backend_pid()
        order by query_start
        limit 1
        """,
        // 4: sessions waiting for a lock (pg_locks.waitstart, PostgreSQL 14+) and whom they wait for.
        $"""
        select pid, pg_blocking_pids(pid), extract(epoch from clock_timestamp() - min(waitstart))::float8
        from pg_locks
        where not granted and pid is not null
        group by pid
        order by min(waitstart)
        limit {MaxLockWaits}
        """,
        // 5: the cluster's transaction counters, and the sessions ever opened (PostgreSQL 14+): new connections per second.
        """
        select coalesce(sum(xact_commit), 0)::bigint, coalesce(sum(xact_rollback), 0)::bigint, coalesce(sum(deadlocks), 0)::bigint,
               coalesce(sum(sessions), 0)::bigint
        from pg_stat_database
        """,
    ];
}
