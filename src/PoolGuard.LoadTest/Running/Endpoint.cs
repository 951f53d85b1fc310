using Npgsql;

namespace PoolGuard.LoadTest.Running;

/// <summary>
/// The `--connection` value (and `--database`'s): an Npgsql connection string (<c>Host=db;Database=shop;Username=app</c>) or a
/// <c>postgresql://user@host:port/database?sslmode=…</c> URI. The password comes from the string, else from PGPASSWORD.
/// Named in results and messages as host:port/database as user — never with the password.
/// </summary>
public sealed record Endpoint(string ConnectionString, string Display)
{
    public static bool TryParse(string text, out Endpoint? endpoint, out string? problem, string option = "--connection")
    {
        endpoint = null;
        problem = null;
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
                ? FromUri(new Uri(text))
                : new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception ex) when (ex is ArgumentException or UriFormatException or FormatException)
        {
            problem = $"{option} is neither an Npgsql connection string nor a postgresql:// URI: {ex.Message}";
            return false;
        }
        if (string.IsNullOrEmpty(builder.Host))
        {
            problem = $"{option} names no host";
            return false;
        }
        if (string.IsNullOrEmpty(builder.Password) && Environment.GetEnvironmentVariable("PGPASSWORD") is { Length: > 0 } password)
        {
            builder.Password = password;
        }
        endpoint = new Endpoint(builder.ConnectionString, $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username} as {builder.Username}");
        return true;
    }

    private static NpgsqlConnectionStringBuilder FromUri(Uri uri)
    {
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.Port > 0 ? uri.Port : 5432 };
        var user = Uri.UnescapeDataString(uri.UserInfo);
        if (user.Length > 0)
        {
            var colon = user.IndexOf(':', StringComparison.Ordinal);
            builder.Username = colon >= 0 ? user[..colon] : user;
            if (colon >= 0)
            {
                builder.Password = user[(colon + 1)..];
            }
        }
        if (uri.AbsolutePath.Trim('/') is { Length: > 0 } database)
        {
            builder.Database = Uri.UnescapeDataString(database);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var (key, value) = eq < 0 ? (pair, "") : (Uri.UnescapeDataString(pair[..eq]), Uri.UnescapeDataString(pair[(eq + 1)..]));
            builder[key switch { "sslmode" => "SSL Mode", "application_name" => "Application Name", "connect_timeout" => "Timeout", _ => key }] = value;
        }
        return builder;
    }
}
