namespace PoolGuard.Monitoring.Watcher;

/// <summary>Whether a sample reached the database.</summary>
public enum SampleState
{
    /// <summary>The sample query ran; every figure below is from it.</summary>
    Up,

    /// <summary>The database could not be reached, refused the login, or did not answer in time (see Error).</summary>
    Down,
}

/// <summary>How many client connections share one value (an application, an address, a user, a state).</summary>
public readonly record struct ConnectionCount(string Key, int Connections);

/// <summary>One session, named the way a responder looks for it.</summary>
/// <param name="Pid">The backend's process id (what pg_terminate_backend takes).</param>
/// <param name="Seconds">How long it has been in the state that made it interesting.</param>
public sealed record SessionRef(int Pid, string Application, string User, string ClientAddress, double Seconds);

/// <summary>A session waiting for a lock, and the sessions it waits for.</summary>
public sealed record LockWait(int Pid, IReadOnlyList<int> BlockedBy, double Seconds);

/// <summary>
/// What one sample of a database saw: its connections against its real capacity, who holds them,
/// idle transactions, the longest query, lock waits, and the cluster's rollback and deadlock counters.
/// A database that cannot be reached is a sample too (<see cref="SampleState.Down"/> with the reason).
/// </summary>
public sealed record DatabaseSample
{
    public required string Database { get; init; }
    public required DateTimeOffset TakenAt { get; init; }
    public required SampleState State { get; init; }

    /// <summary>Listed only to be watched ([watch]): no pool of the gateway leads to it.</summary>
    public bool WatchOnly { get; init; }

    /// <summary>Why the sample failed (SQLSTATE and message, or the network error); null when up.</summary>
    public string? Error { get; init; }

    /// <summary>How long the sample query took, connecting included when it had to connect.</summary>
    public TimeSpan Duration { get; init; }

    public int MaxConnections { get; init; }
    public int SuperuserReservedConnections { get; init; }

    /// <summary>What ordinary roles can open: max_connections − superuser_reserved_connections.</summary>
    public int UsableConnections => Math.Max(0, MaxConnections - SuperuserReservedConnections);

    /// <summary>Client backends open now, the watcher's own included (it holds a slot too).</summary>
    public int Connections { get; init; }

    /// <summary>Connections ordinary roles can still open; negative when superusers are in the reserved slots.</summary>
    public int Headroom => UsableConnections - Connections;

    /// <summary>Connections as a share of usable (0–1+); 0 when down.</summary>
    public double Utilisation => UsableConnections == 0 ? 0 : (double)Connections / UsableConnections;

    /// <summary>Most first.</summary>
    public IReadOnlyList<ConnectionCount> ByState { get; init; } = [];
    public IReadOnlyList<ConnectionCount> ByApplication { get; init; } = [];
    public IReadOnlyList<ConnectionCount> ByClientAddress { get; init; } = [];
    public IReadOnlyList<ConnectionCount> ByUser { get; init; } = [];

    public int IdleInTransaction { get; init; }

    /// <summary>The session idle in a transaction for the longest time; null when there is none.</summary>
    public SessionRef? OldestIdleInTransaction { get; init; }

    /// <summary>The query running longest now (the watcher's own excluded); null when none runs.</summary>
    public SessionRef? LongestQuery { get; init; }

    /// <summary>Sessions waiting on a lock, longest wait first.</summary>
    public IReadOnlyList<LockWait> LockWaits { get; init; } = [];

    /// <summary>Cluster-wide since the statistics were reset (pg_stat_database): rates come from two samples.</summary>
    public long Commits { get; init; }
    public long Rollbacks { get; init; }
    public long Deadlocks { get; init; }

    /// <summary>Sessions ever established in the cluster (pg_stat_database.sessions): two samples give new connections per second.</summary>
    public long Sessions { get; init; }

    /// <summary>The watcher's own backend, so readers can leave it out.</summary>
    public int WatcherPid { get; init; }
}
