namespace PoolGuard.Config.Model;

/// <summary>
/// A database the watcher samples although no pool of the gateway leads to it: where applications that
/// connect to PostgreSQL directly (bypassing PoolGuard) can exhaust it. Written as a libpq connection
/// string in both formats: <c>host=10.0.0.5 port=5432 dbname=shop user=watch password=…</c>.
/// </summary>
public sealed record WatchEntry
{
    /// <summary>The name in metrics, the API and diagnosis.</summary>
    public required string Name { get; init; }

    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 5432;

    /// <summary>The database to log in to; null = same as <see cref="Name"/>. pg_stat_activity shows every database's sessions from any one of them.</summary>
    public string? DbName { get; init; }

    /// <summary>Login user; null = watch_user. A member of pg_monitor sees every session's state.</summary>
    public string? User { get; init; }

    [Secret]
    public string? Password { get; init; }

    public string ServerDatabase => DbName ?? Name;

    public override string ToString() =>
        $"WatchEntry {{ Name = {Name}, Host = {Host}, Port = {Port}, DbName = {ServerDatabase}, User = {User}, Password = {(Password is null ? "none" : "***")} }}";
}
