using System.Globalization;
using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Sources;

/// <summary>
/// A connection string found in a file, turned into the pool it declares (or a finding when it cannot be read):
/// an Npgsql (or SqlClient-style) keyword string, or a postgres:// URI.
/// </summary>
internal static class ConnectionStrings
{
    /// <summary>Whether a text is, by its form, a connection string to a PostgreSQL server.</summary>
    public static bool Recognise(string text) => NpgsqlConnectionString.LooksLikeOne(text) || PostgresUri.LooksLikeOne(text);

    public static void Add(string text, Location location, string application, string name, CheckInputs inputs)
    {
        if (PostgresUri.LooksLikeOne(text))
        {
            AddUri(text, location, application, name, inputs);
        }
        else
        {
            AddNpgsql(text, location, application, name, inputs);
        }
    }

    private static void AddNpgsql(string text, Location location, string application, string name, CheckInputs inputs)
    {
        if (!NpgsqlConnectionString.TryRead(text, out var settings, out var problem))
        {
            inputs.Unreadable(location, $"{name}: {problem}");
            return;
        }
        int? Number(params string[] keys) => NumberOf(NpgsqlConnectionString.Get(settings, keys), keys[0], location, name, inputs);
        var pooling = NpgsqlConnectionString.Get(settings, "pooling");
        var (host, port, database) = NpgsqlConnectionString.Target(settings);
        inputs.Pools.Add(new ClientPool
        {
            Application = application,
            Name = name,
            Location = location,
            Driver = "Npgsql",
            Server = $"{host}:{port}",
            Database = database,
            Pooling = pooling is null || !pooling.Equals("false", StringComparison.OrdinalIgnoreCase),
            MaxPoolSize = Number("maximumpoolsize", "maxpoolsize"),
            MinPoolSize = Number("minimumpoolsize", "minpoolsize"),
            DefaultMaxPoolSize = NpgsqlConnectionString.DefaultMaxPoolSize,
            WaitTimeout = Number("timeout"),
            DefaultWaitTimeout = NpgsqlConnectionString.DefaultTimeoutSeconds,
        });
    }

    private static void AddUri(string text, Location location, string application, string name, CheckInputs inputs)
    {
        if (!PostgresUri.TryRead(text, out var uri, out var problem))
        {
            inputs.Unreadable(location, $"{name}: {problem}");
            return;
        }
        int? Number(string key) => NumberOf(uri.Query.GetValueOrDefault(key), key, location, name, inputs);
        inputs.Pools.Add(new ClientPool
        {
            Application = application,
            Name = name,
            Location = location,
            Driver = "URI",
            Server = $"{uri.Host}:{uri.Port}",
            Database = uri.Database,
            MaxPoolSize = Number("pool_max_conns") ?? Number("connection_limit"),
            MinPoolSize = Number("pool_min_conns"),
            MaxSetting = "pool_max_conns (pgx) or connection_limit (Prisma)",
            WaitTimeout = Number("pool_timeout"),
            WaitSetting = "pool_timeout",
        });
    }

    private static int? NumberOf(string? raw, string key, Location location, string name, CheckInputs inputs)
    {
        if (raw is null)
        {
            return null;
        }
        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        inputs.Unreadable(location, $"{name}: {key} is not a number: '{raw}'");
        return null;
    }
}
