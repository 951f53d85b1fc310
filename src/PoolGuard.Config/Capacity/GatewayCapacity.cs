using PoolGuard.Config.Model;

namespace PoolGuard.Config.Capacity;

/// <summary>What one gateway instance can open to one PostgreSQL server, and the setting that decides it.</summary>
/// <param name="Server">host:port.</param>
/// <param name="Databases">The names clients use that land there.</param>
/// <param name="MaxConnections">Server connections one instance can open there; null when nothing caps them.</param>
/// <param name="Basis">How the number comes about, with the settings' names ("pool_size 20 × 3 user(s)").</param>
/// <param name="DecidingSetting">The model path of the setting that decides it ("MaxServerConnections",
/// "Databases:app:MaxDbConnections"), for pointing at its line.</param>
/// <param name="MinConnections">Server connections kept open even when idle (min_pool_size over the pools).</param>
public sealed record ServerCap(string Server, IReadOnlyList<string> Databases, int? MaxConnections, string Basis, string DecidingSetting, int MinConnections);

/// <summary>
/// The server connections a gateway's configuration allows, per PostgreSQL server: per database the smaller of
/// pool_size × users and max_db_connections, summed over the server's databases, and capped by
/// max_server_connections. One pool per (database, user): a user forced on the database entry makes one pool;
/// otherwise each user the configuration knows gets its own, and with no user list nothing but a cap bounds them.
/// `poolguard check` sums these with the applications' own pools against <see cref="ConnectionBudget"/>.
/// </summary>
public static class GatewayCapacity
{
    /// <param name="zeroPoolSizeIsUnlimited">PgBouncer's reading since 1.24: pool_size = 0 means no limit.
    /// PoolGuard refuses 0, so its own configurations never get here with one.</param>
    /// <param name="userCount">How many users log in through it when the configuration's user list does not say
    /// (PgBouncer's auth_file); null counts <see cref="PoolGuardConfig.Users"/>.</param>
    public static IReadOnlyList<ServerCap> PerServer(PoolGuardConfig config, bool zeroPoolSizeIsUnlimited = false, int? userCount = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        // No user list (an auth file not at hand, trust, auth_query): the users, and so the pools, are not known.
        var users = userCount ?? config.Users.Count;
        var caps = new List<ServerCap>();
        foreach (var server in config.Databases.Values.GroupBy(d => $"{d.Host}:{d.Port}", StringComparer.OrdinalIgnoreCase))
        {
            int? sum = 0;
            var bases = new List<string>();
            var deciding = "";
            var minimum = 0;
            foreach (var database in server.OrderBy(d => d.Name, StringComparer.Ordinal))
            {
                var (max, basis, setting) = PerDatabase(config, database, users, zeroPoolSizeIsUnlimited);
                sum = sum is { } s && max is { } m ? s + m : null;
                bases.Add(server.Count() > 1 ? $"{database.Name}: {basis}" : basis);
                deciding = max is null || deciding.Length == 0 ? setting : deciding;
                minimum += (database.MinPoolSize ?? config.MinPoolSize) * (database.User is null ? Math.Max(1, users) : 1);
            }
            var basisText = string.Join("; ", bases);
            if (config.MaxServerConnections > 0 && (sum is null || sum > config.MaxServerConnections))
            {
                (sum, basisText, deciding) = (config.MaxServerConnections, $"max_server_connections = {config.MaxServerConnections}", nameof(config.MaxServerConnections));
            }
            caps.Add(new ServerCap(server.Key, [.. server.Select(d => d.Name).Order(StringComparer.Ordinal)], sum, basisText, deciding, minimum));
        }
        return caps;
    }

    private static (int? Max, string Basis, string Setting) PerDatabase(PoolGuardConfig config, DatabaseEntry database, int users, bool zeroIsUnlimited)
    {
        var prefix = $"Databases:{database.Name}:";
        var poolSize = database.PoolSize ?? config.DefaultPoolSize;
        var poolSetting = database.PoolSize is null ? nameof(config.DefaultPoolSize) : prefix + nameof(database.PoolSize);
        var pools = database.User is null ? users : 1;
        var name = database.PoolSize is null ? "default_pool_size" : "pool_size";
        int? byPools = (poolSize == 0 && zeroIsUnlimited) || pools == 0 ? null : poolSize * pools;
        var basis = poolSize == 0 && zeroIsUnlimited ? $"{name} = 0 (no limit)"
            : pools == 0 ? $"{name} {poolSize} per user, and which users log in is not known here"
            : $"{name} {poolSize} × {pools} user(s)";
        var dbCap = database.MaxDbConnections ?? config.MaxDbConnections;
        if (dbCap > 0 && (byPools is null || dbCap < byPools))
        {
            var setting = database.MaxDbConnections is null ? nameof(config.MaxDbConnections) : prefix + nameof(database.MaxDbConnections);
            return (dbCap, $"max_db_connections = {dbCap}", setting);
        }
        if (config.MaxUserConnections > 0 && pools > 0 && (byPools is null || config.MaxUserConnections * pools < byPools))
        {
            return (config.MaxUserConnections * pools, $"max_user_connections {config.MaxUserConnections} × {pools} user(s)", nameof(config.MaxUserConnections));
        }
        return (byPools, basis, poolSetting);
    }
}
