using Npgsql;

namespace PoolGuard.Incidents.Store;

/// <summary>
/// `--store`: a PostgreSQL database when it is a postgresql:// URI or an Npgsql connection string (Host=…), else a
/// SQLite file; nothing given, the default SQLite file. Passwords come from the string or PGPASSWORD and are never
/// part of the location that messages show.
/// </summary>
public static class IncidentStores
{
    public static IIncidentStore Open(string? store)
    {
        if (string.IsNullOrWhiteSpace(store))
        {
            return new SqliteIncidentStore(SqliteIncidentStore.DefaultFile());
        }
        if (store.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || store.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
        {
            return Postgres(FromUri(new Uri(store)));
        }
        if (store.Contains("host=", StringComparison.OrdinalIgnoreCase) && store.Contains(';', StringComparison.Ordinal))
        {
            try
            {
                return Postgres(new NpgsqlConnectionStringBuilder(store));
            }
            catch (ArgumentException ex)
            {
                throw new IncidentStoreException($"--store is not a connection string: {ex.Message}", ex);
            }
        }
        return new SqliteIncidentStore(store);
    }

    private static PostgresIncidentStore Postgres(NpgsqlConnectionStringBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Password) && Environment.GetEnvironmentVariable("PGPASSWORD") is { Length: > 0 } password)
        {
            builder.Password = password;
        }
        builder.ApplicationName ??= "poolguard incident";
        return new PostgresIncidentStore(builder.ConnectionString, $"{builder.Host}:{builder.Port}/{builder.Database}");
    }

    private static NpgsqlConnectionStringBuilder FromUri(Uri uri)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (uri.UserInfo.Split(':', 2) is [var user, ..] && user.Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(user);
        }
        if (uri.UserInfo.Split(':', 2) is [_, var secret])
        {
            builder.Password = Uri.UnescapeDataString(secret);
        }
        return builder;
    }
}
