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

    /// <summary>Roles and passwords scripts/pg-sandbox.sh creates.</summary>
    public static class Roles
    {
        public const string App = "pg_app";
        public const string AppPassword = "app_pw";
        public const string Scram = "pg_scram";
        public const string ScramPassword = "scram_pw";
        public const string Md5 = "pg_md5";
        public const string Md5Password = "md5_pw";
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

    /// <summary>A direct (not through the gateway) superuser connection, unpooled so it never lingers.</summary>
    public static async Task<NpgsqlConnection> OpenSuperuserAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(SuperuserConnectionString) { Pooling = false, Database = "postgres" };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
