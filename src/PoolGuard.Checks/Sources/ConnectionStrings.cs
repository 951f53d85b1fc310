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
    public static bool Recognise(string text) => NpgsqlConnectionString.LooksLikeOne(text) || PostgresUri.LooksLikeOne(text) || LooksLikeLibpq(text);

    /// <summary>A libpq keyword string, as psql and psycopg take it: <c>host=db port=5432 dbname=shop user=app</c>.</summary>
    private static bool LooksLikeLibpq(string text) =>
        !text.Contains(';', StringComparison.Ordinal) && text.Contains("host=", StringComparison.Ordinal)
        && (text.Contains("dbname=", StringComparison.Ordinal) || text.Contains("user=", StringComparison.Ordinal));

    /// <summary>
    /// An application whose code builds its SQLAlchemy engine from a URL it reads at run time (os.environ[…]) and
    /// whose URL sits in a .env file or a manifest: the engine's pool settings belong to that URL's pool. Matched
    /// by application; an engine with no such URL stays as it is, its server unknown.
    /// </summary>
    public static void JoinSqlAlchemyEngines(List<ClientPool> pools)
    {
        foreach (var engine in pools.Where(p => p.Driver == "SQLAlchemy" && p.Server == Python.PythonSettingsFile.UnknownServer).ToList())
        {
            var urls = pools.Where(p => p.Driver == "SQLAlchemy" && p.Application == engine.Application && p.Server != Python.PythonSettingsFile.UnknownServer).ToList();
            if (urls.Count == 0)
            {
                continue;
            }
            pools.Remove(engine);
            foreach (var url in urls)
            {
                pools[pools.IndexOf(url)] = url with
                {
                    Name = $"{url.Name} (engine at {engine.Location})",
                    Pooling = engine.Pooling,
                    UnboundedBy = engine.UnboundedBy,
                    MaxPoolSize = url.MaxPoolSize ?? engine.MaxPoolSize,
                    WaitTimeout = url.WaitTimeout ?? engine.WaitTimeout,
                    DefaultWaitTimeout = engine.DefaultWaitTimeout,
                };
            }
        }
    }

    public static void Add(string text, Location location, string application, string name, CheckInputs inputs)
    {
        if (PostgresUri.LooksLikeOne(text))
        {
            AddUri(text, location, application, name, inputs);
        }
        else if (LooksLikeLibpq(text))
        {
            AddLibpq(text, location, application, name, inputs);
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
            Written = text,
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
        var sqlAlchemy = PostgresUri.IsSqlAlchemy(text);
        inputs.Pools.Add(new ClientPool
        {
            Application = application,
            Name = name,
            Location = location,
            Driver = sqlAlchemy ? "SQLAlchemy" : "URI",
            Server = $"{uri.Host}:{uri.Port}",
            Database = uri.Database,
            MaxPoolSize = Number("pool_max_conns") ?? Number("connection_limit"),
            MinPoolSize = Number("pool_min_conns"),
            MaxSetting = sqlAlchemy ? "pool_size + max_overflow" : "pool_max_conns (pgx) or connection_limit (Prisma)",
            // A postgresql+driver:// URL is SQLAlchemy's: its QueuePool defaults apply unless the code says otherwise.
            DefaultMaxPoolSize = sqlAlchemy ? Python.PythonSettingsFile.SqlAlchemyPoolSize + Python.PythonSettingsFile.SqlAlchemyMaxOverflow : null,
            WaitTimeout = Number("pool_timeout"),
            WaitSetting = "pool_timeout",
        });
    }

    /// <summary>libpq has no pool: how many connections the application holds is its own code's business, so the pool's size is unknown here.</summary>
    private static void AddLibpq(string text, Location location, string application, string name, CheckInputs inputs)
    {
        if (!Config.Values.ConnectionStringParser.TryParse(text, out var pairs, out var error))
        {
            inputs.Unreadable(location, $"{name}: {error}");
            return;
        }
        var settings = pairs.GroupBy(p => p.Key.ToLowerInvariant()).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        inputs.Pools.Add(new ClientPool
        {
            Application = application,
            Name = name,
            Location = location,
            Driver = "libpq",
            Server = $"{settings.GetValueOrDefault("host", "localhost").Split(',')[0]}:{settings.GetValueOrDefault("port", "5432").Split(',')[0]}",
            Database = settings.GetValueOrDefault("dbname") ?? "(default)",
            MaxSetting = "the application's own pool size",
            Hint = "libpq keeps no pool: the code decides how many it opens",
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
