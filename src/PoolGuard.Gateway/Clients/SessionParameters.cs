using System.Text;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.Servers;
using PoolGuard.Protocol.Errors;

namespace PoolGuard.Gateway.Clients;

/// <summary>
/// Makes a server's session settings match what the client asked for at startup, with one
/// round trip of set_config() calls, skipping values the server already reports as equal.
/// </summary>
internal static class SessionParameters
{
    public static async Task<PgError?> ApplyAsync(ServerConnection server, IReadOnlyList<KeyValuePair<string, string>> wanted, CancellationToken cancellationToken)
    {
        var sql = SetConfigQuery(wanted.Where(p => !server.Parameters.TryGetValue(p.Key, out var current)
            || !string.Equals(current, p.Value, StringComparison.OrdinalIgnoreCase)));
        return sql is null ? null : await ServerQuery.RunAsync(server, sql, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every startup setting of the client, whatever the server has now (after the client's own DISCARD ALL); null when none.</summary>
    public static StartupRestore? RestoreFor(IReadOnlyList<KeyValuePair<string, string>> wanted) =>
        SetConfigQuery(wanted) is { } sql ? new StartupRestore(sql) : null;

    private static string? SetConfigQuery(IEnumerable<KeyValuePair<string, string>> settings)
    {
        StringBuilder? sql = null;
        foreach (var (name, value) in settings)
        {
            sql = sql is null ? new StringBuilder("SELECT ") : sql.Append(", ");
            // Names and values are both passed as quoted literals: nothing here is injectable.
            sql.Append("pg_catalog.set_config(").Append(ServerQuery.Literal(name)).Append(", ")
               .Append(ServerQuery.Literal(value)).Append(", false)");
        }
        return sql?.ToString();
    }
}
