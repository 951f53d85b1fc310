using System.Globalization;

namespace PoolGuard.Checks.Sources;

/// <summary>
/// A libpq connection URI (postgres:// or postgresql://, as DATABASE_URL usually is) read for where it connects and
/// the pool settings client libraries put in its query: pgx's pool_max_conns, Prisma's connection_limit and
/// pool_timeout, libpq's connect_timeout. Only the first host of a multi-host URI is taken.
/// </summary>
internal static class PostgresUri
{
    /// <summary>postgres://, postgresql://, and SQLAlchemy's postgresql+driver:// (postgresql+psycopg://, +asyncpg).</summary>
    public static bool LooksLikeOne(string text) =>
        text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || (text.StartsWith("postgresql+", StringComparison.OrdinalIgnoreCase) && text.IndexOf("://", StringComparison.Ordinal) is > 11 and < 40);

    /// <summary>Whether it names a SQLAlchemy dialect driver (postgresql+psycopg://): then SQLAlchemy's pool defaults apply.</summary>
    public static bool IsSqlAlchemy(string text) => text.StartsWith("postgresql+", StringComparison.OrdinalIgnoreCase);

    public sealed record Parts(string Host, string Port, string Database, IReadOnlyDictionary<string, string> Query);

    public static bool TryRead(string text, out Parts parts, out string? problem)
    {
        parts = new Parts("localhost", "5432", "(default)", new Dictionary<string, string>());
        problem = null;
        var rest = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var queryAt = rest.IndexOf('?', StringComparison.Ordinal);
        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (queryAt >= 0)
        {
            foreach (var pair in rest[(queryAt + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    problem = $"the URI's query parameter '{Uri.UnescapeDataString(pair)}' has no value";
                    return false;
                }
                query[Uri.UnescapeDataString(pair[..eq])] = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
            rest = rest[..queryAt];
        }
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var database = slash >= 0 && slash < rest.Length - 1 ? Uri.UnescapeDataString(rest[(slash + 1)..]) : null;
        var authority = slash >= 0 ? rest[..slash] : rest;
        var hosts = authority[(authority.LastIndexOf('@') + 1)..].Split(',')[0];
        var (host, port) = SplitHostPort(hosts);
        if (port is not null && !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            problem = $"the URI's port '{port}' is not a number";
            return false;
        }
        parts = new Parts(
            query.GetValueOrDefault("host") ?? (host.Length > 0 ? host : "localhost"),
            query.GetValueOrDefault("port") ?? port ?? "5432",
            query.GetValueOrDefault("dbname") ?? database ?? "(default)",
            query);
        return true;
    }

    private static (string Host, string? Port) SplitHostPort(string text)
    {
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? (text, null) : (text[1..close], close + 2 <= text.Length - 1 && text[close + 1] == ':' ? text[(close + 2)..] : null);
        }
        var colon = text.LastIndexOf(':');
        return colon >= 0 ? (Uri.UnescapeDataString(text[..colon]), text[(colon + 1)..]) : (Uri.UnescapeDataString(text), null);
    }
}
