using System.Diagnostics;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using static PoolGuard.IntegrationTests.Infrastructure.NpgsqlScalar;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// The gateway's own timeouts in transaction mode: query_timeout cancels a query (57014) and keeps
/// the client; idle_transaction_timeout ends a client idle in a transaction (FATAL 25P03) and rolls
/// the transaction back; client_idle_timeout ends an idle client (FATAL 57P05) and only that one.
/// Each error names its setting.
/// </summary>
public sealed class TransactionTimeoutTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    /// <summary>Three times the timeout: past it however coarse the gateway's timer, short enough for the suite.</summary>
    private static readonly TimeSpan WellPast = TimeSpan.FromSeconds(3);

    /// <summary>A server for every client of a test: what is timed out is the client, never a wait for a server.</summary>
    private static PoolGuardConfig TransactionMode(PoolGuardConfig config) =>
        config with { PoolMode = PoolMode.Transaction, DefaultPoolSize = 3, AuthType = AuthType.Trust };

    [SkippableFact]
    public async Task A_query_past_query_timeout_is_cancelled_with_57014_naming_query_timeout_and_the_client_carries_on()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c) with { QueryTimeout = Timeout });
        await using var connection = await gateway.OpenAsync().WaitAsync(Bound);
        Assert.Equal("short", await ScalarAsync(connection, "select 'short' from pg_sleep(0.2)"));

        var clock = Stopwatch.StartNew();
        var cancelled = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, "select pg_sleep(5)"));
        clock.Stop();
        Assert.Equal("57014", cancelled.SqlState);
        Assert.Contains("query_timeout", cancelled.MessageText, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), WellPast);

        Assert.Equal(1, await ScalarAsync(connection, "select 1"));
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            Assert.Equal(2, await ScalarAsync(connection, "select 2"));
            await transaction.CommitAsync().WaitAsync(Bound);
        }
        await connection.CloseAsync();
        await gateway.AssertPoolSettledAsync();
    }

    [SkippableFact]
    public async Task A_client_idle_in_a_transaction_past_idle_transaction_timeout_is_disconnected_and_its_transaction_rolled_back()
    {
        await using var table = await ScratchTable.CreateAsync("id int primary key", "idle_tx");
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c) with { IdleTransactionTimeout = Timeout });
        await using (var connection = await gateway.OpenAsync().WaitAsync(Bound))
        {
            // Not disposed: a rollback on the connection the gateway is about to close would only fail.
            _ = await connection.BeginTransactionAsync();
            await ScalarAsync(connection, $"insert into {table.Name} values (1)");
            await Task.Delay(WellPast);

            var error = await Record.ExceptionAsync(() => ScalarAsync(connection, "select 1"));
            Assert.True(error is PostgresException { SqlState: "25P03" } or (NpgsqlException and not PostgresException),
                $"expected 25P03 or a closed connection after {WellPast.TotalSeconds} s idle in a transaction, got {error?.ToString() ?? "a result"}");
        }

        await AssertRolledBackAsync(gateway, table);
    }

    [SkippableFact]
    public async Task The_idle_transaction_timeout_arrives_unasked_as_fatal_25P03_naming_idle_transaction_timeout()
    {
        await using var table = await ScratchTable.CreateAsync("id int primary key", "idle_tx");
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c) with { IdleTransactionTimeout = Timeout });
        using (var client = await RawPgClient.LogInWithTrustAsync(gateway))
        {
            await client.SendAsync(RawPgClient.Query($"begin; insert into {table.Name} values (1)"));
            var answer = await client.ReadUntilReadyForQueryAsync();
            Assert.Equal('T', answer[^1].TransactionStatus());
            var clock = Stopwatch.StartNew();

            var (error, closed) = await client.ReadErrorThenCloseAsync(WellPast + TimeSpan.FromSeconds(2));
            Assert.True(error is not null, "the gateway closed without an error");
            var fields = error.Fields();
            Assert.Equal(("FATAL", "25P03"), (fields['S'], fields['C']));
            Assert.Contains("idle_transaction_timeout", fields['M'], StringComparison.Ordinal);
            Assert.True(closed);
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), WellPast + TimeSpan.FromSeconds(2));
        }

        await AssertRolledBackAsync(gateway, table);
    }

    [SkippableFact]
    public async Task An_idle_client_past_client_idle_timeout_is_disconnected_with_57P05_while_a_busy_one_is_not()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c) with { ClientIdleTimeout = Timeout });
        await using var busy = await BystanderClient.StartAsync(gateway);
        await using var idle = await gateway.OpenAsync().WaitAsync(Bound);
        using var raw = await RawPgClient.LogInWithTrustAsync(gateway);
        await raw.SendAsync(RawPgClient.Query("select 1"));
        await raw.ReadUntilReadyForQueryAsync();
        var clock = Stopwatch.StartNew();

        var (error, closed) = await raw.ReadErrorThenCloseAsync(WellPast + TimeSpan.FromSeconds(2));
        Assert.True(error is not null, "the gateway closed without an error");
        var fields = error.Fields();
        Assert.Equal(("FATAL", "57P05"), (fields['S'], fields['C']));
        Assert.Contains("client_idle_timeout", fields['M'], StringComparison.Ordinal);
        Assert.True(closed);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), WellPast + TimeSpan.FromSeconds(2));

        await Task.Delay(WellPast - clock.Elapsed > TimeSpan.Zero ? WellPast - clock.Elapsed : TimeSpan.Zero);
        var idleError = await Record.ExceptionAsync(() => ScalarAsync(idle, "select 1"));
        Assert.True(idleError is PostgresException { SqlState: "57P05" } or (NpgsqlException and not PostgresException),
            $"expected 57P05 or a closed connection after {WellPast.TotalSeconds} s idle, got {idleError?.ToString() ?? "a result"}");

        // Busy all along, never idle for a second: untouched.
        await busy.AssertProgressAsync();
        await busy.StopAsync();
        await gateway.AssertServesNewClientAsync();
    }

    /// <summary>The row is gone, nothing is left idle in a transaction, and the pool serves the next client.</summary>
    private static async Task AssertRolledBackAsync(GatewayHarness gateway, ScratchTable table)
    {
        await Eventually.AssertAsync(() => SandboxDatabase.CountIdleInTransactionAsync(), n => n == 0, Bound,
            "a backend of app_user is still idle in the timed-out transaction");
        Assert.Equal(0, await table.CountCommittedRowsAsync());
        await gateway.AssertPoolSettledAsync();
        await using var next = await gateway.OpenAsync().WaitAsync(Bound);
        Assert.Equal(0L, await ScalarAsync(next, $"select count(*) from {table.Name}"));
    }
}
