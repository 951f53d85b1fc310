using System.Data.Common;
using System.Globalization;

namespace PoolGuard.Checks.Sources;

/// <summary>
/// Npgsql's connection-string keywords that decide how many connections an application opens, in any of the
/// spellings Npgsql accepts (case and spaces do not matter: "Maximum Pool Size", "Max Pool Size", "MaxPoolSize").
/// </summary>
internal static class NpgsqlConnectionString
{
    /// <summary>Npgsql's Maximum Pool Size when the string sets none.</summary>
    public const int DefaultMaxPoolSize = 100;

    /// <summary>Npgsql's Timeout (seconds to open, including the wait for a free pooled connection) when none is set.</summary>
    public const int DefaultTimeoutSeconds = 15;

    /// <summary>Keywords only SQL Server's SqlClient takes: a .NET repository has those strings too, and they are not PostgreSQL's.</summary>
    private static readonly string[] SqlServerOnly = ["initialcatalog", "datasource", "trustedconnection", "multipleactiveresultsets", "attachdbfilename", "trustservercertificate"];

    /// <summary>Whether a text is, by its keywords, a connection string to a PostgreSQL server (and not to SQL Server).</summary>
    public static bool LooksLikeOne(string text)
    {
        if (!text.Contains('=', StringComparison.Ordinal) || !text.Contains(';', StringComparison.Ordinal))
        {
            return false;
        }
        var pairs = text.Split(';').Select(p => (Key: Key(p.Split('=')[0]), Value: p.Contains('=', StringComparison.Ordinal) ? p[(p.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim() : "")).ToList();
        var keys = pairs.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var server = pairs.FirstOrDefault(p => p.Key == "server").Value ?? "";
        if (keys.Overlaps(SqlServerOnly) || server.StartsWith("tcp:", StringComparison.OrdinalIgnoreCase) || server.Contains('\\', StringComparison.Ordinal)
            || server.Contains("(localdb)", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return (keys.Contains("host") || keys.Contains("server")) && (keys.Contains("database") || keys.Contains("username") || keys.Contains("userid"));
    }

    /// <summary>Reads the pool settings; false with the reason when the string does not parse or a number is not one.</summary>
    public static bool TryRead(string text, out IReadOnlyDictionary<string, string> settings, out string? problem)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        settings = found;
        problem = null;
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = text;
        }
        catch (ArgumentException ex)
        {
            problem = $"the connection string does not parse: {ex.Message}";
            return false;
        }
        foreach (string key in builder.Keys)
        {
            found[Key(key)] = Convert.ToString(builder[key], CultureInfo.InvariantCulture) ?? "";
        }
        return true;
    }

    public static string? Get(IReadOnlyDictionary<string, string> settings, params string[] keys) =>
        keys.Select(k => settings.GetValueOrDefault(k)).FirstOrDefault(v => v is not null);

    /// <summary>Where it connects; only the first of several hosts ("Host=a,b") is taken.</summary>
    public static (string Host, string Port, string Database) Target(IReadOnlyDictionary<string, string> settings) =>
        ((Get(settings, "host", "server") ?? "localhost").Split(',')[0].Trim(), Get(settings, "port") ?? "5432", Get(settings, "database", "db") ?? "(default)");

    private static string Key(string key) => key.Replace(" ", "", StringComparison.Ordinal).Trim().ToLowerInvariant();
}
