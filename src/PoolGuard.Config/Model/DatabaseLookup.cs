namespace PoolGuard.Config.Model;

/// <summary>
/// Which entry serves a database name: its own, else the fallback entry "*" (PgBouncer's
/// <c>* = host=…</c>), which serves any other name, connecting to the database of that name
/// unless the entry forces one with DbName.
/// </summary>
public static class DatabaseLookup
{
    /// <summary>The name of the fallback entry.</summary>
    public const string Fallback = "*";

    public static DatabaseEntry? FindDatabase(this PoolGuardConfig config, string name)
    {
        if (config.Databases.TryGetValue(name, out var entry))
        {
            return entry;
        }
        return name != Fallback && config.Databases.TryGetValue(Fallback, out var fallback) ? fallback with { Name = name } : null;
    }
}
