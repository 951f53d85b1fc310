using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Sources;

/// <summary>
/// An application's client-side connection pool as a configuration file declares it: which file and which
/// setting, the driver, and its limits as written (null = not written, so the driver's default applies).
/// </summary>
public sealed record ClientPool
{
    public required string Application { get; init; }
    public required string Name { get; init; }
    public required Location Location { get; init; }
    public required string Driver { get; init; }

    /// <summary>host:port/database the pool connects to: pools of one target share its capacity.</summary>
    public required string Target { get; init; }

    /// <summary>False when the string turns pooling off: every open is a new server connection, with no cap.</summary>
    public bool Pooling { get; init; } = true;

    public int? MaxPoolSize { get; init; }
    public int? MinPoolSize { get; init; }

    /// <summary>Seconds to wait for a connection (Npgsql Timeout); null when not written.</summary>
    public int? ConnectTimeout { get; init; }

    /// <summary>The largest number of server connections one instance of the application may open.</summary>
    public int? EffectiveMax(int driverDefault) => Pooling ? MaxPoolSize ?? driverDefault : null;
}
