using System.Diagnostics;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.IntegrationTests.Infrastructure;

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
