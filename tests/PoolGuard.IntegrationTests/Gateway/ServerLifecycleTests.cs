using Npgsql;
using PoolGuard.IntegrationTests.Infrastructure;
using static PoolGuard.IntegrationTests.Infrastructure.NpgsqlScalar;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// How long servers live: server_lifetime and server_idle_timeout close them, min_pool_size keeps
/// some open without clients, and stopping the gateway ends clients with a proper error and
/// closes every server.
/// </summary>
public sealed class ServerLifecycleTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task A_server_past_server_lifetime_is_closed_when_released_and_not_reused()
    {
        await using var gateway = GatewayHarness.Start(c => c with { DefaultPoolSize = 1, ServerLifetime = TimeSpan.FromSeconds(1) });
        object? oldPid;
        await using (var first = await gateway.OpenAsync())
        {
            oldPid = await ScalarAsync(first, "select pg_backend_pid()");
            await Task.Delay(TimeSpan.FromSeconds(1.2));
            Assert.Equal(oldPid, await ScalarAsync(first, "select pg_backend_pid()")); // a session keeps its server, however old
        }

        await WaitForBackendGoneAsync(oldPid!);
        await using var second = await gateway.OpenAsync();
        Assert.NotEqual(oldPid, await ScalarAsync(second, "select pg_backend_pid()"));
    }

    [SkippableFact]
    public async Task An_idle_server_past_server_idle_timeout_is_closed()
    {
        await using var gateway = GatewayHarness.Start(c => c with { ServerIdleTimeout = TimeSpan.FromSeconds(1) });
        object? pid;
        await using (var client = await gateway.OpenAsync())
        {
            pid = await ScalarAsync(client, "select pg_backend_pid()");
        }
        await Eventually.AssertAsync(() => gateway.Pool()!.ServersIdle, n => n == 1, Bound, "the server should go idle first");

        await WaitForBackendGoneAsync(pid!);
        await Eventually.AssertAsync(() => Task.FromResult(gateway.Server.ServerConnections), n => n == 0, TimeSpan.FromSeconds(10), "servers still counted (a closed server counts until its backend is gone)");
        await gateway.AssertServesNewClientAsync();
    }

    [SkippableFact]
    public async Task Min_pool_size_keeps_servers_open_after_the_clients_leave_despite_the_idle_timeout()
    {
        await using var gateway = GatewayHarness.Start(c => c with { MinPoolSize = 2, ServerIdleTimeout = TimeSpan.FromSeconds(1) });
        await PgSandbox.WaitForNoBackendsAsync();
        await gateway.AssertServesNewClientAsync(); // the pool exists once a client has used it

        await Eventually.AssertAsync(() => gateway.Pool()!.ServersIdle, n => n == 2, Bound, "min_pool_size should open a second idle server");
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // more than twice the idle timeout
        Assert.Equal(2, gateway.Pool()!.ServersIdle);
        Assert.Equal(2, await PgSandbox.CountBackendsAsync());
    }

    [SkippableFact]
    public async Task Stopping_the_gateway_ends_its_clients_with_an_error_and_closes_every_server()
    {
        var gateway = GatewayHarness.Start();
        await PgSandbox.WaitForNoBackendsAsync();
        await using var active = await gateway.OpenAsync();
        await using (var leaver = await gateway.OpenAsync())
        {
            await ScalarAsync(leaver, "select 1"); // leaves an idle server behind
        }
        Assert.Equal(1, await ScalarAsync(active, "select 1"));

        await gateway.DisposeAsync().AsTask().WaitAsync(Bound);

        var error = await Record.ExceptionAsync(() => ScalarAsync(active, "select 1"));
        Assert.True(error is PostgresException { SqlState: "57P01" } or NpgsqlException, $"expected 57P01 admin_shutdown or a closed connection, got {error}");
        if (error is PostgresException shutdown)
        {
            Assert.Contains("shutting down", shutdown.MessageText, StringComparison.Ordinal);
        }
        await Eventually.AssertAsync(() => PgSandbox.CountBackendsAsync(), n => n == 0, Bound, "servers still open after the gateway stopped");
        await Eventually.AssertAsync(() => Task.FromResult(gateway.Server.ServerConnections), n => n == 0, TimeSpan.FromSeconds(10), "servers still counted (a closed server counts until its backend is gone)");
    }

    private static Task WaitForBackendGoneAsync(object pid) =>
        Eventually.AssertAsync(() => PgSandbox.ScalarAsync<long>("select count(*) from pg_stat_activity where pid = $1", pid),
            n => n == 0, Bound, $"backend {pid} is still there");
}
