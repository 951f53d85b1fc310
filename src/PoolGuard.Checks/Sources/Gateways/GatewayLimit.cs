using PoolGuard.Checks.Findings;
using PoolGuard.Config.Capacity;
using PoolGuard.Config.Model;

namespace PoolGuard.Checks.Sources.Gateways;

/// <summary>
/// What one gateway configuration (PoolGuard's or PgBouncer's) lets one instance open to one PostgreSQL server,
/// with the setting that decides it. Applications behind a gateway are the gateway's clients: the database sees
/// only what this allows, times the gateway's instances.
/// </summary>
public sealed record GatewayLimit
{
    /// <summary>The gateway's name: its configuration's folder (as applications are named), or what .poolguard-check.yml calls it.</summary>
    public required string Gateway { get; init; }

    /// <summary>poolguard or pgbouncer: the same ini means different things to each (PgBouncer: pool_size 0 is unlimited).</summary>
    public required string Kind { get; init; }

    /// <summary>Where the deciding setting is written (or the database entry, when a default decides).</summary>
    public required Location Location { get; init; }

    public required string Server { get; init; }

    /// <summary>The database names clients ask for that land on this server.</summary>
    public required IReadOnlyList<string> Databases { get; init; }

    /// <summary>Server connections one instance can open to this server; null when nothing caps them.</summary>
    public int? MaxServerConnections { get; init; }

    /// <summary>How that number comes about, in the configuration's own words ("max_db_connections = 40").</summary>
    public required string Basis { get; init; }

    /// <summary>Server connections kept open even when idle (min_pool_size over its pools); at least, per user.</summary>
    public int MinServerConnections { get; init; }

    /// <summary>Seconds a client waits in the gateway's queue before an error (query_wait_timeout); 0 = forever.</summary>
    public double? WaitTimeout { get; init; }
    public Location? WaitTimeoutAt { get; init; }

    /// <summary>The port clients reach it on (listen_port): with the gateway's name, how applications' pools are seen to go through it.</summary>
    public int ListenPort { get; init; } = 6432;

    /// <summary>The line a setting is written on, by model path ("MaxDbConnections", "Databases:app", "Section:pgbouncer"),
    /// or null when it is not written: where `--fix` changes or adds it.</summary>
    public Func<string, int?> LineOf { get; init; } = _ => null;

    /// <summary>One server's cap (<see cref="GatewayCapacity"/>) of a gateway configuration, found at <paramref name="location"/>.</summary>
    internal static GatewayLimit Of(ServerCap cap, ConfigFile file, string kind, PoolGuardConfig config, Location location, Location waitTimeoutAt, Func<string, int?> lineOf) => new()
    {
        LineOf = lineOf,
        Gateway = file.Application,
        Kind = kind,
        Location = location,
        Server = cap.Server,
        Databases = cap.Databases,
        MaxServerConnections = cap.MaxConnections,
        Basis = cap.Basis,
        MinServerConnections = cap.MinConnections,
        WaitTimeout = config.QueryWaitTimeout.TotalSeconds,
        WaitTimeoutAt = waitTimeoutAt,
        ListenPort = config.ListenPort,
    };
}
