namespace PoolGuard.Config.Model;

/// <summary>A database clients can ask for by name, and where it really lives.</summary>
public sealed record DatabaseEntry
{
    /// <summary>The name clients use in their connection string.</summary>
    public required string Name { get; init; }

    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 5432;

    /// <summary>The database name on the server; null = same as <see cref="Name"/>.</summary>
    public string? DbName { get; init; }

    /// <summary>Forced server login user; null = the client's user name.</summary>
    public string? User { get; init; }

    /// <summary>Password for the forced user; never logged.</summary>
    [Secret]
    public string? Password { get; init; }

    /// <summary>Server connections per (database, user) pool; null = default_pool_size.</summary>
    public int? PoolSize { get; init; }

    /// <summary>Servers kept open even when idle; null = min_pool_size.</summary>
    public int? MinPoolSize { get; init; }

    /// <summary>Cap on server connections to this database over all users; 0 = no cap, null = global setting.</summary>
    public int? MaxDbConnections { get; init; }

    public PoolMode? PoolMode { get; init; }

    public string ServerDatabase => DbName ?? Name;

    public override string ToString() =>
        $"DatabaseEntry {{ Name = {Name}, Host = {Host}, Port = {Port}, DbName = {ServerDatabase}, User = {User}, Password = {(Password is null ? "none" : "***")} }}";
}
