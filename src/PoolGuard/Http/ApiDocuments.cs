namespace PoolGuard.Http;

// The JSON the /api endpoints return: snake_case names (AdminJsonContext), units in the names.
// Kept apart from the gateway's records so renaming a C# property never changes the API.

internal sealed record PoolDocument(
    string Database, string User, string? PoolMode,
    int ClActive, int ClWaiting, int SvActive, int SvIdle, int SvUsed, int SvLogin,
    int PoolSize, double MaxWaitMs);

internal sealed record ClientDocument(
    long Id, string User, string Database, string State, string? Address, int Port, string? LocalAddress, int LocalPort,
    DateTimeOffset ConnectTime, DateTimeOffset RequestTime, double WaitMs, string ApplicationName, long? LinkedServerId);

internal sealed record ServerDocument(
    long Id, string User, string Database, string State, string Address, int Port, string? LocalAddress, int LocalPort,
    DateTimeOffset ConnectTime, DateTimeOffset RequestTime, long? LinkedClientId, int BackendPid, int PreparedStatements);

internal sealed record StatsDocument(
    string Database,
    long TotalServerAssignmentCount, long TotalXactCount, long TotalQueryCount,
    long TotalReceivedBytes, long TotalSentBytes,
    double TotalXactTimeMs, double TotalQueryTimeMs, double TotalWaitTimeMs, long TotalClientConnectCount);

internal sealed record EventDocument(
    long Sequence, DateTimeOffset Time, string Kind, string? Pool, string Detail, IReadOnlyDictionary<string, long> Numbers);

/// <summary>A page of events: those after the asked sequence, oldest first; ask again with ?since=last_sequence.</summary>
internal sealed record EventPage(long LastSequence, IReadOnlyList<EventDocument> Events);

/// <summary>Why /readyz says what it says.</summary>
internal sealed record ReadinessDocument(bool Ready, string Reason, IReadOnlyList<string> ReachableDatabases);

/// <summary>What a control action did: done or refused, in a sentence, with the reload's changes or problems (or a refusal's hint).</summary>
internal sealed record ControlDocument(string Action, string? Database, bool Done, string Detail, IReadOnlyList<string> Notes);

/// <summary>/api/databases: the watcher's latest sample of every watched database, and the configured ones it cannot log in to.</summary>
internal sealed record DatabaseList(IReadOnlyList<DatabaseDocument> Databases, IReadOnlyList<string> NotWatched);

/// <summary>One database as PostgreSQL itself sees it (pg_stat_activity, pg_settings, pg_locks, pg_stat_database).</summary>
internal sealed record DatabaseDocument(
    string Name, bool WatchOnly, string State, string? Error, DateTimeOffset TakenAt, double SampleMs,
    int MaxConnections, int SuperuserReservedConnections, int UsableConnections, int Connections, int Headroom, double Utilisation,
    IReadOnlyList<ConnectionCountDocument> ByState, IReadOnlyList<ConnectionCountDocument> ByApplication,
    IReadOnlyList<ConnectionCountDocument> ByClientAddress, IReadOnlyList<ConnectionCountDocument> ByUser,
    int IdleInTransaction, SessionDocument? OldestIdleInTransaction, SessionDocument? LongestQuery,
    IReadOnlyList<LockWaitDocument> LockWaits, long Commits, long Rollbacks, long Deadlocks);

internal sealed record ConnectionCountDocument(string Key, int Connections);

internal sealed record SessionDocument(int Pid, string ApplicationName, string User, string ClientAddress, double Seconds);

internal sealed record LockWaitDocument(int Pid, IReadOnlyList<int> BlockedBy, double Seconds);

/// <summary>/api/databases/{name}: the latest sample and the kept history (oldest first), in a few figures per sample.</summary>
internal sealed record DatabaseDetail(DatabaseDocument Latest, IReadOnlyList<DatabaseHistoryPoint> History);

internal sealed record DatabaseHistoryPoint(
    DateTimeOffset TakenAt, string State, int Connections, int Headroom, int IdleInTransaction, int LockWaits, double LongestQuerySeconds);

/// <summary>/api/alerts: the alerts of the last evaluation (firing first, then pending) and every rule in force.</summary>
internal sealed record AlertList(DateTimeOffset? EvaluatedAt, IReadOnlyList<AlertDocument> Alerts, IReadOnlyList<AlertRuleDocument> Rules);

internal sealed record AlertDocument(
    string Name, string State, string Severity, IReadOnlyDictionary<string, string> Labels, double Value,
    DateTimeOffset ActiveSince, DateTimeOffset? FiringSince, string Summary, string Description, string RunbookUrl, string Expr);

internal sealed record AlertRuleDocument(
    string Name, string Expr, double ForSeconds, double? Resolve, string Severity, string RunbookUrl, IReadOnlyDictionary<string, string> Labels, int Firing, int Pending);
