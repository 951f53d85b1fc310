namespace PoolGuard.Config.Model;

/// <summary>A user allowed to log in through PoolGuard.</summary>
public sealed record UserEntry
{
    public required string Name { get; init; }

    /// <summary>
    /// The user's secret: a plaintext password, an "md5…" hash or a "SCRAM-SHA-256$…" verifier
    /// (the format PostgreSQL keeps in pg_authid). Null means no password (trust only).
    /// Never logged.
    /// </summary>
    [Secret]
    public string? Secret { get; init; }

    /// <summary>Pool mode for this user's pools; null falls back to the database's, then the global one.</summary>
    public PoolMode? PoolMode { get; init; }

    /// <summary>Cap on server connections for this user across all databases; 0 = no cap.</summary>
    public int MaxUserConnections { get; init; }

    public override string ToString() => $"UserEntry {{ Name = {Name}, Secret = {(Secret is null ? "none" : "***")} }}";
}
