using PoolGuard.Gateway.Admin;
using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Stats;

namespace PoolGuard.Gateway.View;

/// <summary>
/// The gateway's state as everything outside it reads it: the admin console, the HTTP API, the
/// metrics, and the tools to come (alerting, diagnosis, the dashboard, drills). One implementation
/// reads the pool set's snapshot and the connection registry, so every reader sees the same numbers.
/// Reading never blocks the relay: counts are taken under the pool locks briefly, lists without locks.
/// </summary>
public interface IGatewayView
{
    /// <summary>Every pool with its counts and the pooling mode in force for it, as SHOW POOLS lists them.</summary>
    IReadOnlyList<PoolSnapshot> Pools();

    /// <summary>Logged-in clients (pooled and on the admin console), as SHOW CLIENTS lists them.</summary>
    IReadOnlyList<ClientConnectionInfo> Clients();

    /// <summary>Open server connections, as SHOW SERVERS lists them.</summary>
    IReadOnlyList<ServerConnectionInfo> Servers();

    /// <summary>Per-database traffic statistics, as SHOW STATS prints them.</summary>
    IReadOnlyList<DatabaseStats> Stats();

    /// <summary>Events with a sequence number above <paramref name="sequence"/> still in the ring, oldest first.</summary>
    IReadOnlyList<GatewayEvent> EventsSince(long sequence);

    /// <summary>What the gateway as a whole is doing: accepting, paused or disabled databases, connection totals.</summary>
    GatewayState State();
}

/// <summary>The gateway as a whole at one moment.</summary>
/// <param name="Accepting">New clients are being accepted (false once a shutdown began).</param>
/// <param name="AllPaused">PAUSE or KILL without a database is in force.</param>
/// <param name="PausedDatabases">Configured databases paused by name (or by <paramref name="AllPaused"/>).</param>
/// <param name="DisabledDatabases">Databases refusing new clients (DISABLE).</param>
/// <param name="ClientConnections">Client connections open (what max_client_conn caps).</param>
/// <param name="ServerConnections">Server connections open (what max_server_connections caps).</param>
public sealed record GatewayState(
    bool Accepting,
    bool AllPaused,
    IReadOnlyList<string> PausedDatabases,
    IReadOnlyList<string> DisabledDatabases,
    int ClientConnections,
    int ServerConnections);
