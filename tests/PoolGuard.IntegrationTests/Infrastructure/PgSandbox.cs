using Npgsql;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// The throwaway PostgreSQL started by scripts/pg-sandbox.sh (./test.sh exports its settings).
/// Missing sandbox: tests skip on a developer machine and fail when CI=true.
/// </summary>
internal static class PgSandbox
{
    public static string? SuperuserConnectionString => Environment.GetEnvironmentVariable("POOLGUARD_TEST_PG");

    public static string Host => Environment.GetEnvironmentVariable("POOLGUARD_TEST_PG_HOST") ?? "127.0.0.1";

    public static int Port => int.Parse(Environment.GetEnvironmentVariable("POOLGUARD_TEST_PG_PORT") ?? "5432", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The CA that signed the sandbox server's TLS certificate (for localhost and 127.0.0.1).</summary>
    public static string CaFile => Environment.GetEnvironmentVariable("POOLGUARD_TEST_PG_CA")
        ?? throw new InvalidOperationException("POOLGUARD_TEST_PG_CA is not set: start the sandbox with scripts/pg-sandbox.sh (it prints it)");

    /// <summary>Roles and passwords scripts/pg-sandbox.sh creates.</summary>
    public static class Roles
    {
        public const string App = "app_user";
        public const string AppPassword = "app_pw";
        public const string Scram = "scram_user";
        public const string ScramPassword = "scram_pw";
        public const string Md5 = "md5_user";
        public const string Md5Password = "md5_pw";
        /// <summary>The database watcher's login: pg_monitor, so it sees every session's state.</summary>
        public const string Watch = "watch_user";
        public const string WatchPassword = "watch_pw";
    }

    /// <summary>Skips (or fails under CI) when no sandbox is running.</summary>
    public static void Require()
    {
        if (SuperuserConnectionString is not null)
        {
            return;
        }
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("CI=true but POOLGUARD_TEST_PG is not set: the PostgreSQL sandbox did not start (see scripts/pg-sandbox.sh).");
        }
        Skip.If(true, "no PostgreSQL sandbox: run ./test.sh, or scripts/pg-sandbox.sh start and export its settings");
    }

    /// <summary>A direct (past the gateway) connection string for a sandbox role, unpooled.</summary>
    public static string DirectConnectionString(string user, string password, string database = "app", string? applicationName = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = Host, Port = Port, Username = user, Password = password, Database = database,
            ApplicationName = applicationName, Pooling = false, Timeout = 15, CommandTimeout = 30,
        }.ConnectionString;

    /// <summary>A direct (not through the gateway) superuser connection, unpooled so it never lingers.</summary>
    public static async Task<NpgsqlConnection> OpenSuperuserAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(SuperuserConnectionString) { Pooling = false, Database = "postgres" };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs a scalar query on a direct superuser connection.</summary>
    public static async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = await OpenSuperuserAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Backends PostgreSQL has for (user, database): the gateway's server connections, as the database sees them.</summary>
    public static async Task<int> CountBackendsAsync(string user = Roles.App, string database = "app") =>
        (int)await ScalarAsync<long>("select count(*) from pg_stat_activity where usename = $1 and datname = $2", user, database);

    /// <summary>
    /// Waits until no backend of (user, database) is left over from an earlier test: servers a
    /// stopped gateway closes go away a moment later, and counting tests must start from zero.
    /// </summary>
    public static async Task WaitForNoBackendsAsync(string user = Roles.App, string database = "app") =>
        await Eventually.AssertAsync(() => CountBackendsAsync(user, database), n => n == 0, TimeSpan.FromSeconds(15),
            $"backends of {user} on {database} left over from an earlier test");
}
