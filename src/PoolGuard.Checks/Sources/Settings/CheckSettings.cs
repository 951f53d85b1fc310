using PoolGuard.Checks.Findings;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Checks.Sources.Settings;

/// <summary>A database .poolguard-check.yml describes: the server it is (host, port) and what it can take.</summary>
public sealed record DatabaseSettings(string Name, string Host, int Port, ConnectionBudget Budget, Location Location)
{
    public string Server => $"{Host}:{Port}";
}

/// <summary>What .poolguard-check.yml says about one application where the files cannot: how many run, how big its pool is.</summary>
public sealed record ApplicationSettings(string Name, Location Location)
{
    public int? Replicas { get; init; }
    public int? MaxReplicas { get; init; }
    public int? MaxPoolSize { get; init; }
}

/// <summary>A gateway's instances, and the address applications reach it on (host:port) when its name is not its host.</summary>
public sealed record GatewaySettings(string Name, Location Location)
{
    public int? Instances { get; init; }
    public string? Address { get; init; }
}

/// <summary>The contents of one .poolguard-check.yml: what cannot be inferred from the configuration files.</summary>
public sealed record CheckSettings(Location Location)
{
    /// <summary>The database every pool is checked against unless a <see cref="Databases"/> entry matches its server.</summary>
    public ConnectionBudget? Default { get; init; }
    public IReadOnlyList<DatabaseSettings> Databases { get; init; } = [];
    public IReadOnlyList<ApplicationSettings> Applications { get; init; } = [];
    public IReadOnlyList<GatewaySettings> Gateways { get; init; } = [];
}
