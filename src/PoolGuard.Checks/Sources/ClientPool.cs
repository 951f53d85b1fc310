using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Sources;

/// <summary>
/// An application's client-side connection pool as a configuration file declares it: which file and which
/// setting, the driver, and its limits as written (null = not written, so the driver's default applies).
/// One instance's pool: how many instances run it is the fleet's business (<see cref="Fleet"/>).
/// </summary>
public sealed record ClientPool
{
    public required string Application { get; init; }
    public required string Name { get; init; }
    public required Location Location { get; init; }

    /// <summary>The client library, as messages name it: Npgsql, HikariCP, SQLAlchemy, Django.</summary>
    public required string Driver { get; init; }

    /// <summary>host:port of the PostgreSQL server (or gateway) the pool connects to: max_connections is per server.</summary>
    public required string Server { get; init; }

    public required string Database { get; init; }

    public string Target => $"{Server}/{Database}";

    /// <summary>False when pooling is off: every open is a new server connection, with no cap.</summary>
    public bool Pooling { get; init; } = true;

    /// <summary>What turns the cap off, in the file's words (Pooling=false, poolclass=NullPool, max_overflow=-1).</summary>
    public string UnboundedBy { get; init; } = "Pooling=false";

    /// <summary>Why the check cannot read a size for this pool, when it cannot (Django without a pool).</summary>
    public string? Hint { get; init; }

    public int? MaxPoolSize { get; init; }
    public int? MinPoolSize { get; init; }

    /// <summary>The driver's maximum when none is written (Npgsql 100, HikariCP 10); null when the driver's is unknown.</summary>
    public int? DefaultMaxPoolSize { get; init; }

    /// <summary>The setting's name in this driver's own words, for messages and suggestions ("Maximum Pool Size", "maximumPoolSize").</summary>
    public string MaxSetting { get; init; } = "Maximum Pool Size";

    /// <summary>Seconds a caller waits for a connection when the pool is exhausted; null when not written.</summary>
    public double? WaitTimeout { get; init; }

    /// <summary>The driver's wait when none is written (Npgsql 15 s, HikariCP 30 s); 0 means forever.</summary>
    public double? DefaultWaitTimeout { get; init; }

    public string WaitSetting { get; init; } = "Timeout";

    /// <summary>How the setting counts time: 1 in seconds (Npgsql's Timeout), 1000 in milliseconds (HikariCP).</summary>
    public int WaitSettingScale { get; init; } = 1;

    /// <summary>The connection string as written in the file (Npgsql's), for `--fix` to find and rewrite; null for other drivers.</summary>
    public string? Written { get; init; }

    /// <summary>The largest number of server connections one instance may open: null when unbounded or unknown.</summary>
    public int? PerInstanceMax => Pooling ? MaxPoolSize ?? DefaultMaxPoolSize : null;
}
