namespace PoolGuard.Gateway.Admin;

/// <summary>
/// A client connection as SHOW CLIENTS and the admin API show it. <see cref="State"/> is PgBouncer's
/// word: "active" (linked to a server), "idle" (logged in, no server), "waiting" (queued for one).
/// <see cref="LinkedServerId"/> is the <see cref="ServerConnectionInfo.Id"/> of the linked server.
/// </summary>
public sealed record ClientConnectionInfo(
    long Id,
    string User,
    string Database,
    string State,
    string? Address,
    int Port,
    string? LocalAddress,
    int LocalPort,
    DateTimeOffset ConnectTime,
    DateTimeOffset RequestTime,
    TimeSpan Wait,
    string ApplicationName,
    long? LinkedServerId);

/// <summary>
/// A server connection as SHOW SERVERS and the admin API show it. <see cref="State"/> is PgBouncer's
/// word: "active" (linked to a client), "idle" (in the pool), "used" (being reset), "new" (logging in).
/// <see cref="BackendProcessId"/> is the PostgreSQL backend's pid (pg_backend_pid()).
/// </summary>
public sealed record ServerConnectionInfo(
    long Id,
    string User,
    string Database,
    string State,
    string Address,
    int Port,
    string? LocalAddress,
    int LocalPort,
    DateTimeOffset ConnectTime,
    DateTimeOffset RequestTime,
    long? LinkedClientId,
    int BackendProcessId,
    int PreparedStatements,
    bool CloseNeeded = false);
