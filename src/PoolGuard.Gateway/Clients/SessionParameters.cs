using System.Text;
using PoolGuard.Gateway.Pooling;
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
        StringBuilder? sql = null;
        foreach (var (name, value) in wanted)
        {
            if (server.Parameters.TryGetValue(name, out var current) && string.Equals(current, value, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            sql = sql is null ? new StringBuilder("SELECT ") : sql.Append(", ");
            // Names and values are both passed as quoted literals: nothing here is injectable.
            sql.Append("pg_catalog.set_config(").Append(ServerQuery.Literal(name)).Append(", ")
               .Append(ServerQuery.Literal(value)).Append(", false)");
        }
        if (sql is null)
        {
            return null;
        }
        return await ServerQuery.RunAsync(server, sql.ToString(), cancellationToken).ConfigureAwait(false);
    }
}
