using Npgsql;

namespace PoolGuard.LoadTest.Workloads;

/// <summary>
/// pgbench's four tables (accounts, branches, tellers, history), so the built-in workloads run on a database pgbench
/// initialised, or on one `loadtest --init --scale N` fills the same way: 100,000 accounts, 10 tellers and 1 branch per
/// unit of scale, primary keys, analysed.
/// </summary>
public static class PgbenchTables
{
    public const int AccountsPerBranch = 100_000;
    public const int TellersPerBranch = 10;

    /// <summary>The scale the tables hold (the branch count); a clear error when they are not there.</summary>
    public static async Task<int> ScaleAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT count(*) FROM pgbench_branches");
            var scale = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            return scale > 0 ? scale : throw new LoadTestSetupException("pgbench_branches is empty: initialise with `poolguard loadtest WORKLOAD --init --scale N` (or pgbench -i)");
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw new LoadTestSetupException("the pgbench tables are not there: initialise them with `poolguard loadtest WORKLOAD --init --scale N` (or pgbench -i)", ex);
        }
    }

    public static async Task InitialiseAsync(NpgsqlDataSource dataSource, int scale, Action<string> progress, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        async Task Run(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        progress("dropping and creating pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history");
        await Run("""
            DROP TABLE IF EXISTS pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history;
            CREATE TABLE pgbench_branches (bid int NOT NULL, bbalance int, filler char(88)) WITH (fillfactor = 100);
            CREATE TABLE pgbench_tellers (tid int NOT NULL, bid int, tbalance int, filler char(84)) WITH (fillfactor = 100);
            CREATE TABLE pgbench_accounts (aid int NOT NULL, bid int, abalance int, filler char(84)) WITH (fillfactor = 100);
            CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));
            """).ConfigureAwait(false);
        await Run($"INSERT INTO pgbench_branches (bid, bbalance) SELECT b, 0 FROM generate_series(1, {scale}) b").ConfigureAwait(false);
        await Run($"INSERT INTO pgbench_tellers (tid, bid, tbalance) SELECT t, (t - 1) / {TellersPerBranch} + 1, 0 FROM generate_series(1, {scale * TellersPerBranch}) t").ConfigureAwait(false);
        for (var branch = 0; branch < scale; branch++)
        {
            progress($"accounts {branch * AccountsPerBranch + 1}–{(branch + 1) * AccountsPerBranch} of {scale * AccountsPerBranch}");
            await Run($"INSERT INTO pgbench_accounts (aid, bid, abalance, filler) SELECT a, {branch + 1}, 0, '' FROM generate_series({branch * AccountsPerBranch + 1}, {(branch + 1) * AccountsPerBranch}) a").ConfigureAwait(false);
        }
        progress("primary keys and ANALYZE");
        await Run("""
            ALTER TABLE pgbench_branches ADD PRIMARY KEY (bid);
            ALTER TABLE pgbench_tellers ADD PRIMARY KEY (tid);
            ALTER TABLE pgbench_accounts ADD PRIMARY KEY (aid);
            ANALYZE pgbench_branches, pgbench_tellers, pgbench_accounts, pgbench_history;
            """).ConfigureAwait(false);
    }
}
