using PoolGuard.Monitoring.Watcher;

namespace PoolGuard.Http;

/// <summary>
/// The poolguard_db_* family: what the watcher's latest sample of each database says, labelled by the
/// database's name in PoolGuard. A database that cannot be sampled shows poolguard_db_up 0 and nothing
/// else, so a rule never reads a stale or zero figure as a healthy one. Breakdowns by application,
/// client address and user keep the <see cref="TopLabels"/> largest and sum the rest under "(other)":
/// a fleet of pods must not turn into a fleet of series.
/// </summary>
internal static class DatabaseMetrics
{
    public const int TopLabels = 10;
    public const string Other = "(other)";

    /// <summary>An empty application_name: an empty label value would read as no label at all.</summary>
    public const string None = "(none)";

    private static readonly (string Name, string Type, string Help, Func<DatabaseSample, double> Read)[] Figures =
    [
        ("poolguard_db_max_connections", "gauge", "The database's max_connections setting", s => s.MaxConnections),
        ("poolguard_db_superuser_reserved_connections", "gauge", "The database's superuser_reserved_connections setting", s => s.SuperuserReservedConnections),
        ("poolguard_db_usable_connections", "gauge", "Connections ordinary roles can open: max_connections - superuser_reserved_connections", s => s.UsableConnections),
        ("poolguard_db_connections", "gauge", "Client backends open on the database server, from every application (the watcher's one included)", s => s.Connections),
        ("poolguard_db_connection_headroom", "gauge", "Connections ordinary roles can still open before PostgreSQL refuses them", s => s.Headroom),
        ("poolguard_db_connection_utilisation_ratio", "gauge", "Connections open as a share of usable connections (0-1; above 1 superusers use reserved slots)", s => s.Utilisation),
        ("poolguard_db_idle_in_transaction_connections", "gauge", "Sessions idle inside an open transaction", s => s.IdleInTransaction),
        ("poolguard_db_oldest_idle_in_transaction_seconds", "gauge", "How long the oldest idle-in-transaction session has been idle (0 when none)", s => s.OldestIdleInTransaction?.Seconds ?? 0),
        ("poolguard_db_longest_query_seconds", "gauge", "How long the longest running query has run (0 when none)", s => s.LongestQuery?.Seconds ?? 0),
        ("poolguard_db_lock_waiting_sessions", "gauge", "Sessions waiting for a lock (at most 50 counted)", s => s.LockWaits.Count),
        ("poolguard_db_longest_lock_wait_seconds", "gauge", "How long the longest lock wait has lasted (0 when none)", s => s.LockWaits.Count == 0 ? 0 : s.LockWaits.Max(w => w.Seconds)),
        ("poolguard_db_commits_total", "counter", "Transactions committed in the cluster (pg_stat_database)", s => s.Commits),
        ("poolguard_db_rollbacks_total", "counter", "Transactions rolled back in the cluster (pg_stat_database)", s => s.Rollbacks),
        ("poolguard_db_deadlocks_total", "counter", "Deadlocks detected in the cluster (pg_stat_database)", s => s.Deadlocks),
    ];

    private static readonly (string Name, string Label, string Help, Func<DatabaseSample, IReadOnlyList<ConnectionCount>> Read)[] Breakdowns =
    [
        ("poolguard_db_connections_by_state", "state", "Client backends by pg_stat_activity state", s => s.ByState),
        ("poolguard_db_connections_by_application", "application", "Client backends by application_name (the 10 largest, the rest as (other))", s => s.ByApplication),
        ("poolguard_db_connections_by_client_address", "client_address", "Client backends by client address (the 10 largest, the rest as (other))", s => s.ByClientAddress),
        ("poolguard_db_connections_by_user", "user", "Client backends by user (the 10 largest, the rest as (other))", s => s.ByUser),
    ];

    public static void Write(PrometheusText text, WatcherSnapshot snapshot)
    {
        var samples = snapshot.Latest;
        if (samples.Count == 0)
        {
            return;
        }

        text.Family("poolguard_db_up", "gauge", "1 when the watcher's last sample of the database succeeded, 0 when it could not connect, log in or finish in time");
        foreach (var s in samples)
        {
            text.Sample("poolguard_db_up", s.State == SampleState.Up ? 1 : 0, ("database", s.Database), ("watch_only", s.WatchOnly ? "true" : "false"));
        }

        text.Family("poolguard_db_sample_duration_seconds", "gauge", "How long the watcher's last sample took, connecting included");
        foreach (var s in samples)
        {
            text.Sample("poolguard_db_sample_duration_seconds", s.Duration.TotalSeconds, ("database", s.Database));
        }

        var up = samples.Where(s => s.State == SampleState.Up).ToList();
        foreach (var (name, type, help, read) in Figures)
        {
            text.Family(name, type, help);
            foreach (var s in up)
            {
                text.Sample(name, read(s), ("database", s.Database));
            }
        }

        foreach (var (name, label, help, read) in Breakdowns)
        {
            text.Family(name, "gauge", help);
            foreach (var s in up)
            {
                foreach (var (key, connections) in Top(read(s)))
                {
                    text.Sample(name, connections, ("database", s.Database), (label, key));
                }
            }
        }
    }

    /// <summary>The largest <see cref="TopLabels"/> counts, the rest summed as "(other)"; the input is most first.</summary>
    public static IEnumerable<(string Key, int Connections)> Top(IReadOnlyList<ConnectionCount> counts)
    {
        foreach (var count in counts.Take(TopLabels))
        {
            yield return (count.Key.Length == 0 ? None : count.Key, count.Connections);
        }

        if (counts.Count > TopLabels)
        {
            yield return (Other, counts.Skip(TopLabels).Sum(c => c.Connections));
        }
    }
}
