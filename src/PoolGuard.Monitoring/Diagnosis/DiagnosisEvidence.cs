using PoolGuard.Monitoring.Watcher;

namespace PoolGuard.Monitoring.Diagnosis;

/// <summary>One pool as the gateway counted it at one moment.</summary>
public sealed record PoolObservation(
    string Database, string User, int ClientsActive, int ClientsWaiting, int ServersActive, int ServersIdle, int PoolSize, double MaxWaitSeconds);

/// <summary>
/// The gateway at one moment of a diagnosis: its pools, its clients against max_client_conn, and the running
/// totals of its traffic (summed over databases) from which the window's rates come.
/// </summary>
public sealed record GatewayObservation(
    DateTimeOffset At,
    IReadOnlyList<PoolObservation> Pools,
    int ClientConnections,
    int MaxClientConnections,
    long TransactionsTotal,
    long QueriesTotal,
    double QueryTimeSecondsTotal,
    long ClientConnectsTotal);

/// <summary>A gateway event of the window that is evidence of a cause (refusals, wait timeouts, server connect or login failures).</summary>
public sealed record GatewayIncident(DateTimeOffset At, string Kind, string? Pool, string Detail, IReadOnlyDictionary<string, long> Numbers);

/// <summary>
/// Everything a diagnosis weighs, gathered over a few seconds: the gateway observed once a second (when it was
/// read), its evidence events, and the database's samples (from the gateway's watcher or taken directly),
/// oldest first. A source that could not be read says why instead.
/// </summary>
public sealed record DiagnosisEvidence
{
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public IReadOnlyList<GatewayObservation> Gateway { get; init; } = [];
    public IReadOnlyList<GatewayIncident> Events { get; init; } = [];
    public IReadOnlyList<DatabaseSample> Database { get; init; } = [];

    /// <summary>Older samples of the same databases (the watcher's history), for what is normal: rates are compared with them.</summary>
    public IReadOnlyList<DatabaseSample> Baseline { get; init; } = [];

    /// <summary>Why the gateway could not be read; null when it was, or was not asked.</summary>
    public string? GatewayError { get; init; }

    /// <summary>The evidence events worth reading as causes; the rest of the timeline is not evidence.</summary>
    public static readonly IReadOnlySet<string> EvidenceKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "client_refused", "refusals_ended", "wait_timeout", "pool_saturated", "server_connect_failed", "server_login_failed",
    };
}
