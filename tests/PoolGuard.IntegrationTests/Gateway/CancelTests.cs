using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;
using PoolGuard.IntegrationTests.Infrastructure;
using static PoolGuard.IntegrationTests.Infrastructure.NpgsqlScalar;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// Query cancellation through the gateway: the client cancels with the key the gateway gave it,
/// the gateway forwards to the right server with the server's real key.
/// </summary>
public sealed class CancelTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [SkippableFact]
    public async Task Command_cancel_interrupts_a_long_pg_sleep_and_the_connection_stays_usable()
    {
        await using var gateway = GatewayHarness.Start();
        await using var connection = await gateway.OpenAsync();
        var pid = await ScalarAsync(connection, "select pg_backend_pid()");
        await using var command = new NpgsqlCommand("select pg_sleep(30)", connection);
        var running = command.ExecuteScalarAsync();
        await WaitUntilSleepingAsync((int)pid!);

        var clock = Stopwatch.StartNew();
        command.Cancel();
        await AssertCanceledByServerAsync(running);
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"cancel took {clock.Elapsed}");
        Assert.Equal(pid, await ScalarAsync(connection, "select pg_backend_pid()"));
        Assert.Equal(1, await ScalarAsync(connection, "select 1"));
    }

    [SkippableFact]
    public async Task A_cancellation_token_interrupts_a_long_pg_sleep_and_the_connection_stays_usable()
    {
        await using var gateway = GatewayHarness.Start();
        await using var connection = await gateway.OpenAsync();
        await using var command = new NpgsqlCommand("select pg_sleep(30)", connection);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        var clock = Stopwatch.StartNew();
        await AssertCanceledByServerAsync(command.ExecuteScalarAsync(cancel.Token));
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"cancel took {clock.Elapsed}");
        Assert.Equal(1, await ScalarAsync(connection, "select 1"));
    }

    [SkippableFact]
    public async Task A_cancel_reaches_only_the_clients_own_server()
    {
        await using var gateway = GatewayHarness.Start();
        await using var victim = await gateway.OpenAsync();
        await using var bystander = await gateway.OpenAsync();
        var victimPid = (int)(await ScalarAsync(victim, "select pg_backend_pid()"))!;
        var bystanderPid = (int)(await ScalarAsync(bystander, "select pg_backend_pid()"))!;
        await using var victimSleep = new NpgsqlCommand("select pg_sleep(30)", victim);
        await using var bystanderSleep = new NpgsqlCommand("select 'finished' from pg_sleep(2)", bystander);
        var victimRunning = victimSleep.ExecuteScalarAsync();
        var bystanderRunning = bystanderSleep.ExecuteScalarAsync();
        await WaitUntilSleepingAsync(victimPid);
        await WaitUntilSleepingAsync(bystanderPid);

        victimSleep.Cancel();

        // Both outcomes are collected before asserting: a connection is never disposed with a command still running.
        var victimOutcome = await Record.ExceptionAsync(() => victimRunning.WaitAsync(Bound));
        Assert.Equal("finished", await bystanderRunning.WaitAsync(Bound));
        await AssertCanceledByServerAsync(victimOutcome is null ? victimRunning : Task.FromException(victimOutcome));
    }

    [SkippableFact]
    public async Task A_cancel_still_gets_through_when_max_client_conn_is_reached()
    {
        // PostgreSQL itself serves cancel requests at max_connections: that is when they matter most.
        await using var gateway = GatewayHarness.Start(c => c with { MaxClientConn = 2 });
        await using var connection = await gateway.OpenAsync();
        await using var other = await gateway.OpenAsync(); // the gateway is now full
        var pid = (int)(await ScalarAsync(connection, "select pg_backend_pid()"))!;
        try
        {
            await using var command = new NpgsqlCommand("select pg_sleep(30)", connection);
            var running = command.ExecuteScalarAsync();
            await WaitUntilSleepingAsync(pid);

            Assert.Equal(2, gateway.Server.ClientConnections);
            command.Cancel();

            await AssertCanceledByServerAsync(running);
            Assert.Equal(1, await ScalarAsync(connection, "select 1"));
            Assert.DoesNotContain(gateway.Server.Events.Recent(), e => e.Kind == PoolGuard.Gateway.Events.GatewayEventKind.ClientRefused);
        }
        finally
        {
            // If the cancel was lost the backend sleeps on; do not leave it to later tests.
            await PgSandbox.ScalarAsync<bool>("select count(pg_terminate_backend(pid)) >= 0 from pg_stat_activity where pid = $1", pid);
        }
    }

    [SkippableFact]
    public async Task A_cancel_request_with_a_wrong_key_cancels_nothing()
    {
        await using var gateway = GatewayHarness.Start();
        await using var connection = await gateway.OpenAsync();
        var pid = (int)(await ScalarAsync(connection, "select pg_backend_pid()"))!;
        await using var command = new NpgsqlCommand("select 'finished' from pg_sleep(1.5)", connection);
        var running = command.ExecuteScalarAsync();
        await WaitUntilSleepingAsync(pid);

        // The gateway-issued process id is right, the secret is a guess; and a guess at the real server pid.
        foreach (var processId in new[] { connection.ProcessID, pid })
        {
            using var guesser = await RawPgClient.ConnectAsync(gateway);
            await guesser.SendAsync(RawPgClient.CancelRequest(processId, RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue)));
            Assert.Null(await guesser.ReadMessageAsync()); // the gateway just closes, as PostgreSQL does
        }

        Assert.Equal("finished", await running.WaitAsync(Bound));
    }

    /// <summary>
    /// Npgsql reports a cancelled command as OperationCanceledException whose cause is PostgreSQL's
    /// 57014 (query_canceled): proof the cancel reached the server rather than the client giving up.
    /// </summary>
    private static async Task AssertCanceledByServerAsync(Task running)
    {
        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(Bound));
        var cause = Assert.IsType<PostgresException>(canceled.InnerException);
        Assert.Equal("57014", cause.SqlState);
    }

    /// <summary>Waits until the server really runs pg_sleep, so the cancel cannot arrive before the query.</summary>
    private static async Task WaitUntilSleepingAsync(int backendPid) =>
        await Eventually.AssertAsync(
            () => PgSandbox.ScalarAsync<long>("select count(*) from pg_stat_activity where pid = $1 and state = 'active' and wait_event = 'PgSleep'", backendPid),
            n => n == 1, Bound, $"backend {backendPid} never started sleeping");
}
