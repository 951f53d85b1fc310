namespace PoolGuard.Config.Model;

/// <summary>
/// The virtual database names that reach the admin console instead of a server: PgBouncer's own name,
/// so existing scripts and exporters connect unchanged, and PoolGuard's. Both are reserved, so a
/// [databases] entry can never shadow the console.
/// </summary>
public static class ConsoleDatabases
{
    public const string PgBouncer = "pgbouncer";
    public const string PoolGuard = "poolguard";

    public static bool IsConsole(string database) =>
        database.Equals(PgBouncer, StringComparison.Ordinal) || database.Equals(PoolGuard, StringComparison.Ordinal);
}
