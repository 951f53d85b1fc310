using System.Diagnostics;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.IntegrationTests.Infrastructure;
using static PoolGuard.IntegrationTests.Infrastructure.NpgsqlScalar;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// More clients than the gateway takes: refused at the door, refused by a full queue, or timed out
/// in the queue; each with an error naming the setting, none left hanging, the gateway still serving.
/// </summary>
public sealed class OverflowTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task The_client_past_max_client_conn_gets_53300_naming_max_client_conn()
    {
        await using var gateway = GatewayHarness.Start(c => c with
        {
            MaxClientConn = 50,
            DefaultPoolSize = 5,
            QueryWaitTimeout = TimeSpan.FromSeconds(60),
        });

        // 5 clients get a server, 45 queue for one; all 50 are connected clients.
        var clients = Enumerable.Range(0, 50).Select(_ => gateway.OpenAndQueryAsync()).ToList();
        await Eventually.AssertAsync(() => gateway.Pool(), p => p is { ClientsActive: 5, ClientsWaiting: 45 }, Bound,
            "50 clients should be 5 active and 45 waiting");
        Assert.Equal(50, gateway.Server.ClientConnections);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync().WaitAsync(Bound));
        Assert.Equal("53300", refused.SqlState);
        Assert.Contains("max_client_conn", refused.MessageText, StringComparison.Ordinal);
        Assert.Contains(gateway.Server.Events.Recent(), e => e.Kind == GatewayEventKind.ClientRefused);

        // Every queued client is served in turn once the active ones finish.
        await Task.WhenAll(clients.Select(UseOnceAndCloseAsync)).WaitAsync(TimeSpan.FromSeconds(60));
        await AssertRecoveredAsync(gateway);
    }

    [SkippableFact]
    public async Task A_waiter_past_query_wait_timeout_gets_an_error_naming_query_wait_timeout()
    {
        await using var gateway = GatewayHarness.Start(c => c with { DefaultPoolSize = 1, QueryWaitTimeout = TimeSpan.FromSeconds(1) });
        await using (var holder = await gateway.OpenAndQueryAsync())
        {
            var clock = Stopwatch.StartNew();
            var timedOut = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAndQueryAsync().WaitAsync(Bound));
            clock.Stop();

            Assert.Contains("query_wait_timeout", timedOut.MessageText, StringComparison.Ordinal);
            Assert.Equal("FATAL", timedOut.Severity);
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
            Assert.Contains(gateway.Server.Events.Recent(), e => e.Kind == GatewayEventKind.WaitTimeout);
            Assert.Equal(0, gateway.Pool()!.ClientsWaiting);

            // The holder was never disturbed.
            await using var command = new NpgsqlCommand("select 1", holder);
            Assert.Equal(1, await command.ExecuteScalarAsync().WaitAsync(Bound));
        }
        await AssertRecoveredAsync(gateway);
    }

    [SkippableFact]
    public async Task The_waiter_past_max_waiting_clients_gets_53300_naming_max_waiting_clients()
    {
        await using var gateway = GatewayHarness.Start(c => c with
        {
            DefaultPoolSize = 1,
            MaxWaitingClients = 2,
            QueryWaitTimeout = TimeSpan.FromSeconds(30),
        });
        var holder = await gateway.OpenAndQueryAsync();
        var waiters = new[] { gateway.OpenAndQueryAsync(), gateway.OpenAndQueryAsync() };
        await Eventually.AssertAsync(() => gateway.Pool()!.ClientsWaiting, n => n == 2, Bound, "two clients should be waiting");

        var refused = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAndQueryAsync().WaitAsync(Bound));
        Assert.Equal("53300", refused.SqlState);
        Assert.Contains("max_waiting_clients", refused.MessageText, StringComparison.Ordinal);
        Assert.Equal(2, gateway.Pool()!.ClientsWaiting);

        await holder.DisposeAsync();
        await Task.WhenAll(waiters.Select(UseOnceAndCloseAsync)).WaitAsync(Bound);
        await AssertRecoveredAsync(gateway);
    }

    [SkippableFact]
    public async Task In_transaction_pooling_a_full_queue_fails_the_request_with_an_error_and_the_client_keeps_its_connection()
    {
        await using var gateway = GatewayHarness.Start(c => c with
        {
            PoolMode = PoolMode.Transaction,
            AuthType = AuthType.Trust,
            DefaultPoolSize = 1,
            MaxWaitingClients = 1,
            QueryWaitTimeout = TimeSpan.FromSeconds(30),
        });
        // Logged in before the pool fills: these are the pooled application's connections.
        await using var holder = await gateway.OpenAsync();
        await using var refusedDriver = await gateway.OpenAsync();
        using var refusedSimple = await RawPgClient.LogInWithTrustAsync(gateway);
        using var refusedBatch = await RawPgClient.LogInWithTrustAsync(gateway);

        var transaction = await holder.BeginTransactionAsync();
        await ScalarAsync(holder, "select 1"); // the only server is in the holder's transaction
        var waiter = gateway.OpenAsync().ContinueWith(async opening => await ScalarAsync(await opening, "select 'waited'")).Unwrap();
        await Eventually.AssertAsync(() => gateway.Pool()!.ClientsWaiting, n => n == 1, Bound, "one client should be waiting");

        // Npgsql (extended protocol): an ERROR its retry policies know as transient. (Npgsql itself
        // closes its end on any class-53 error, by its own rule; libpq-based clients keep the connection.)
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(refusedDriver, "select 'refused'"));
        Assert.Equal(("53300", "ERROR"), (refused.SqlState, refused.Severity));
        Assert.Contains("max_waiting_clients", refused.MessageText, StringComparison.Ordinal);
        Assert.True(refused.IsTransient);

        // A simple Query: ErrorResponse, then ReadyForQuery, idle.
        await refusedSimple.SendAsync(RawPgClient.Query("select 'refused'"));
        var simple = await refusedSimple.ReadUntilReadyForQueryAsync();
        Assert.Equal("EZ", BackendMessages.Types(simple));
        Assert.Equal("53300", simple[0].Fields()['C']);
        Assert.Equal('I', simple[^1].TransactionStatus());

        // A batch flushed before its Sync hears the error at once; the Sync gets the ReadyForQuery.
        await refusedBatch.SendAsync(ExtendedQuery.Concat(
            ExtendedQuery.Parse("", "select 'refused'"), ExtendedQuery.Bind("", ""), ExtendedQuery.Execute(), ExtendedQuery.Flush()));
        var flushed = await refusedBatch.ReadMessageAsync() ?? throw new InvalidDataException("closed instead of refusing");
        Assert.Equal("53300", flushed.Fields()['C']);
        await refusedBatch.SendAsync(ExtendedQuery.Concat(ExtendedQuery.Execute(), ExtendedQuery.Sync()));
        Assert.Equal("Z", BackendMessages.Types(await refusedBatch.ReadUntilReadyForQueryAsync()));
        Assert.Equal(1, gateway.Pool()!.ClientsWaiting);

        // Once the server is free, each refused client runs its next transaction on the same connection.
        await transaction.CommitAsync();
        Assert.Equal("waited", await waiter.WaitAsync(Bound));
        await refusedSimple.SendAsync(RawPgClient.Query("select 'again'"));
        Assert.Equal("again", (await refusedSimple.ReadUntilReadyForQueryAsync()).Single(m => m.TypeChar == 'D').Columns()[0]);
        await refusedBatch.SendAsync(ExtendedQuery.Concat(ExtendedQuery.Parse("", "select 'again'"), ExtendedQuery.Run("")));
        Assert.Equal("again", (await refusedBatch.ReadUntilReadyForQueryAsync()).Single(m => m.TypeChar == 'D').Columns()[0]);
    }


    [SkippableFact]
    public async Task A_queued_client_that_gives_up_stops_waiting_and_does_not_take_the_next_free_server()
    {
        await using var gateway = GatewayHarness.Start(c => c with
        {
            AuthType = AuthType.Trust,
            DefaultPoolSize = 1,
            QueryWaitTimeout = TimeSpan.FromSeconds(60),
        });
        var holder = await gateway.OpenAndQueryAsync();

        // A client that logs in, queues with its query, and then goes away (its process died, its own timeout fired).
        using (var quitter = await RawPgClient.ConnectAsync(gateway))
        {
            await quitter.SendAsync(RawPgClient.Startup(("user", PgSandbox.Roles.App), ("database", "app")));
            await quitter.ReadUntilReadyForQueryAsync();
            await quitter.SendAsync(RawPgClient.Query("select 1"));
            await Eventually.AssertAsync(() => gateway.Pool()?.ClientsWaiting ?? 0, n => n == 1, Bound, "the raw client should be queued");
            quitter.CloseAbruptly();
        }
        await Eventually.AssertAsync(() => gateway.Pool()!.ClientsWaiting, n => n == 0, TimeSpan.FromSeconds(5),
            "a client that closed its socket while queued still counts as waiting");

        await holder.DisposeAsync();
        var clock = Stopwatch.StartNew();
        await gateway.AssertServesNewClientAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the freed server took {clock.Elapsed} to reach the next client");
        await AssertRecoveredAsync(gateway);
    }

    private static async Task UseOnceAndCloseAsync(Task<NpgsqlConnection> opening)
    {
        await using var connection = await opening;
        await using var command = new NpgsqlCommand("select 1", connection);
        Assert.Equal(1, await command.ExecuteScalarAsync());
    }

    /// <summary>After everything closed: nobody waiting, nothing stuck, and a new client is served.</summary>
    private static async Task AssertRecoveredAsync(GatewayHarness gateway)
    {
        await gateway.AssertPoolSettledAsync();
        Assert.Equal(0, gateway.Pool()!.ClientsWaiting);
        await gateway.AssertServesNewClientAsync();
        await gateway.AssertPoolSettledAsync();
    }
}
