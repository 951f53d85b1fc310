using Npgsql;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Cli;

/// <summary>A database's connection limits read from the server itself, for `check --database` and `init --database`.</summary>
internal static class LiveLimits
{
    private static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// max_connections and the slots PostgreSQL keeps back — superuser_reserved_connections, and from PostgreSQL 16
    /// reserved_connections (for pg_use_reserved_connections) — read from the server; null (reported) when it cannot be.
    /// An explicit --superuser-reserved wins over what the server says.
    /// </summary>
    public static async Task<ConnectionBudget?> ReadBudgetAsync(string verb, string text, int? superuserReserved, int reserve, CancellationToken cancellationToken)
    {
        if (DatabaseArgument.Parse(text) is not { } target)
        {
            Console.Error.WriteLine($"poolguard {verb}: --database is not a valid connection string (keywords such as host=… port=… dbname=… user=…)");
            return null;
        }
        var builder = new NpgsqlConnectionStringBuilder(target.Target.ConnectionString)
        {
            Timeout = (int)DatabaseTimeout.TotalSeconds,
            CommandTimeout = (int)DatabaseTimeout.TotalSeconds,
            Pooling = false,
            ApplicationName = $"poolguard {verb}",
        };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var query = new NpgsqlCommand(
                "SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int, "
                + "coalesce(current_setting('reserved_connections', true), '0')::int", connection);
            await using var row = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await row.ReadAsync(cancellationToken).ConfigureAwait(false);
            var budget = new ConnectionBudget(row.GetInt32(0), superuserReserved ?? row.GetInt32(1) + row.GetInt32(2), reserve);
            Console.Error.WriteLine($"poolguard {verb}: {target.Describe}: max_connections {budget.MaxConnections}, {budget.SuperuserReservedConnections} reserved");
            return budget;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            Console.Error.WriteLine($"poolguard {verb}: cannot read the limits of {target.Describe}: {ex.Message}");
            return null;
        }
    }
}
