using Npgsql;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// Direct superuser access to one of the sandbox's databases, past the gateway: setting up and
/// checking what a test did must not depend on the gateway under test.
/// </summary>
internal static class SandboxDatabase
{
    public static async Task<NpgsqlConnection> OpenSuperuserAsync(string database)
    {
        PgSandbox.Require();
        var builder = new NpgsqlConnectionStringBuilder(PgSandbox.SuperuserConnectionString) { Pooling = false, Database = database, Timeout = 15, CommandTimeout = 30 };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return connection;
    }

    public static async Task<T> ScalarAsync<T>(string database, string sql, params object[] parameters)
    {
        await using var connection = await OpenSuperuserAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return (T)(await command.ExecuteScalarAsync().WaitAsync(TimeSpan.FromSeconds(30)))!;
    }

    public static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = await OpenSuperuserAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Backends of <paramref name="user"/> idle inside a transaction: a transaction the gateway left open.</summary>
    public static async Task<long> CountIdleInTransactionAsync(string user = PgSandbox.Roles.App) =>
        await PgSandbox.ScalarAsync<long>("select count(*) from pg_stat_activity where usename = $1 and state like 'idle in transaction%'", user);
}
