using System.Globalization;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// pgbench with ten times more clients than servers, in each of its three query protocols
/// (prepared: every client names its statements P0_1… alike), in transaction mode: no transaction
/// fails, and the TPC-B invariant holds (every balance moved by exactly the sum of the history's deltas).
/// </summary>
public sealed class PgbenchTransactionModeTests
{
    private const int Clients = 100, TransactionsPerClient = 20, PoolSize = 10;

    [SkippableTheory]
    [InlineData("simple", false)]
    [InlineData("extended", false)]
    [InlineData("prepared", false)]
    [InlineData("simple", true)]
    [InlineData("extended", true)]
    [InlineData("prepared", true)]
    public async Task Pgbench_with_100_clients_over_10_servers_fails_no_transaction_and_keeps_the_balances_consistent(string protocol, bool selectOnly)
    {
        await using var gateway = GatewayHarness.Start(c => c with
        {
            PoolMode = PoolMode.Transaction,
            DefaultPoolSize = PoolSize,
            MaxClientConn = Clients + 20,
            // Far above any wait a transaction here has; in session mode the 11th client gives up after it.
            QueryWaitTimeout = TimeSpan.FromSeconds(10),
        });
        var before = await Balances.ReadAsync();

        var result = await ProcessRunner.RunAsync(ProcessRunner.PgTool("pgbench"),
            ["-n", "-c", $"{Clients}", "-j", "2", "-t", $"{TransactionsPerClient}", "-M", protocol, .. (selectOnly ? new[] { "-S" } : []),
             "-h", "127.0.0.1", "-p", gateway.Port.ToString(CultureInfo.InvariantCulture), "-U", Roles.App, "pgbench"],
            // Each run takes a few seconds; a pooler that mixes up transactions leaves pgbench waiting on row locks.
            TimeSpan.FromSeconds(45), ProcessRunner.PgEnvironment(Roles.AppPassword));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"number of clients: {Clients}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"number of transactions actually processed: {Clients * TransactionsPerClient}/{Clients * TransactionsPerClient}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("number of failed transactions: 0 ", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("aborted", result.Stdout + result.Stderr, StringComparison.OrdinalIgnoreCase);

        var after = await Balances.ReadAsync();
        var history = after.Delta - before.Delta;
        Assert.Equal(selectOnly ? 0 : Clients * TransactionsPerClient, after.HistoryRows - before.HistoryRows);
        Assert.Equal(history, after.Accounts - before.Accounts);
        Assert.Equal(history, after.Branches - before.Branches);
        Assert.Equal(history, after.Tellers - before.Tellers);
        await gateway.AssertPoolSettledAsync("pgbench");
    }

    /// <summary>The TPC-B sums, read directly (not through the gateway) in one snapshot.</summary>
    private sealed record Balances(long Accounts, long Branches, long Tellers, long Delta, long HistoryRows)
    {
        public static async Task<Balances> ReadAsync()
        {
            await using var connection = await SandboxDatabase.OpenSuperuserAsync("pgbench");
            await using var command = new NpgsqlCommand("""
                select (select coalesce(sum(abalance), 0) from pgbench_accounts)::bigint,
                       (select coalesce(sum(bbalance), 0) from pgbench_branches)::bigint,
                       (select coalesce(sum(tbalance), 0) from pgbench_tellers)::bigint,
                       (select coalesce(sum(delta), 0) from pgbench_history)::bigint,
                       (select count(*) from pgbench_history)
                """, connection);
            await using var reader = await command.ExecuteReaderAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(await reader.ReadAsync().WaitAsync(TimeSpan.FromSeconds(30)));
            return new Balances(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }
    }
}
