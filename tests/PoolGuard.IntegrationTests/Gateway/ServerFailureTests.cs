using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using static PoolGuard.IntegrationTests.Infrastructure.NpgsqlScalar;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// When a server dies under a client or in the pool, or a client vanishes mid-transaction or mid-login:
/// the affected client hears about it, nobody else does, and no server is reused in an unknown state.
/// Session state of one client never reaches the next one (server_reset_query).
/// </summary>
public sealed class ServerFailureTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task Terminating_a_clients_server_fails_that_client_and_the_pool_recovers()
    {
        await using var gateway = GatewayHarness.Start();
        await PgSandbox.WaitForNoBackendsAsync();
        await using (var victim = await gateway.OpenAsync())
        {
            var pid = (int)(await ScalarAsync(victim, "select pg_backend_pid()"))!;
            Assert.True(await PgSandbox.ScalarAsync<bool>("select pg_terminate_backend($1)", pid));
            await WaitForBackendGoneAsync(pid);

            var error = await Record.ExceptionAsync(() => ScalarAsync(victim, "select 1"));
            Assert.True(error is PostgresException { SqlState: "57P01" } or NpgsqlException, $"expected 57P01 or a broken connection, got {error}");

            await using var next = await gateway.OpenAsync();
            Assert.NotEqual(pid, await ScalarAsync(next, "select pg_backend_pid()"));
        }
        await gateway.AssertPoolSettledAsync();
        // The gateway's count of open servers is what PostgreSQL sees: the dead one is not counted.
        await Eventually.AssertAsync(async () => (Gateway: gateway.Server.ServerConnections, Postgres: await PgSandbox.CountBackendsAsync()),
            n => n.Gateway == n.Postgres && n.Gateway == gateway.Pool()!.ServersIdle, TimeSpan.FromSeconds(10), "gateway and PostgreSQL disagree on open servers");
        await gateway.AssertServesNewClientAsync();
    }

    [SkippableFact]
    public async Task A_server_terminated_while_idle_in_the_pool_is_not_handed_to_the_next_client()
    {
        await using var gateway = GatewayHarness.Start(c => c with { DefaultPoolSize = 1 });
        int pid;
        await using (var first = await gateway.OpenAsync())
        {
            pid = (int)(await ScalarAsync(first, "select pg_backend_pid()"))!;
        }
        await Eventually.AssertAsync(() => gateway.Pool()!.ServersIdle, n => n == 1, Bound, "the server should be idle in the pool");
        Assert.True(await PgSandbox.ScalarAsync<bool>("select pg_terminate_backend($1)", pid));
        await WaitForBackendGoneAsync(pid);

        await using var second = await gateway.OpenAsync();
        Assert.Equal(1, await ScalarAsync(second, "select 1"));
        Assert.NotEqual(pid, await ScalarAsync(second, "select pg_backend_pid()"));
    }

    [SkippableFact]
    public async Task In_transaction_pooling_servers_terminated_while_idle_are_never_handed_out_even_at_once()
    {
        // node-postgres's pool tests: terminate the idle backends, query straight away (no 30 s idle).
        await using var gateway = GatewayHarness.Start(c => c with { PoolMode = PoolMode.Transaction, DefaultPoolSize = 3 });
        await PgSandbox.WaitForNoBackendsAsync();
        await using var clients = await ClientCrowd.OpenAsync(3, _ => gateway.ConnectionString(), Bound);
        await Task.WhenAll(clients.Connections.Select(c => ScalarAsync(c, "select pg_sleep(0.2)")));
        Assert.Equal(3, gateway.Pool()!.ServersIdle);

        var killed = await PgSandbox.ScalarAsync<long>(
            TerminateAppBackends);
        Assert.Equal(3, killed);

        var answers = await Task.WhenAll(clients.Connections.Select(c => ScalarAsync(c, "select 'alive'")));
        Assert.All(answers, a => Assert.Equal("alive", a));
    }

    [SkippableFact]
    public async Task A_server_that_dies_while_idle_is_closed_and_reported_without_waiting_for_a_client()
    {
        await using var gateway = GatewayHarness.Start(c => c with { PoolMode = PoolMode.Transaction, DefaultPoolSize = 2 });
        await PgSandbox.WaitForNoBackendsAsync();
        await using (var client = await gateway.OpenAsync())
        {
            Assert.Equal(1, await ScalarAsync(client, "select 1"));
        }
        Assert.Equal(1, gateway.Pool()!.ServersIdle);

        Assert.Equal(1, await PgSandbox.ScalarAsync<long>(
            TerminateAppBackends));

        await Eventually.AssertAsync(() => gateway.Pool()!.ServersIdle, n => n == 0, TimeSpan.FromSeconds(5), "the dead server is still idle in the pool");
        // Out of the pool at once; out of the caps once its closer has seen the socket end (a moment later).
        await Eventually.AssertAsync(() => gateway.Server.ServerConnections, n => n == 0, TimeSpan.FromSeconds(5), "the dead server still counts against the caps");
        var lost = Assert.Single(gateway.Server.Events.Recent(), e => e.Kind == PoolGuard.Gateway.Events.GatewayEventKind.ServerLost);
        Assert.Equal("app/app_user", lost.Pool);
    }

    [SkippableFact]
    public async Task A_client_that_vanishes_mid_transaction_has_its_server_closed_not_reused()
    {
        await using var gateway = GatewayHarness.Start(c => c with { AuthType = AuthType.Trust, DefaultPoolSize = 1 });
        await PgSandbox.WaitForNoBackendsAsync();
        string pid;
        using (var client = await RawPgClient.LogInWithTrustAsync(gateway))
        {
            await client.SendAsync(RawPgClient.Query("begin; create temp table half_done (x int); insert into half_done values (1); select pg_backend_pid()"));
            var answer = await client.ReadUntilReadyForQueryAsync();
            pid = answer.Single(m => m.TypeChar == 'D').Columns()[0]!;
            Assert.Equal((byte)'T', answer[^1].Body[0]); // ReadyForQuery: in a transaction
            client.CloseAbruptly();
        }

        await WaitForBackendGoneAsync(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
        await gateway.AssertPoolSettledAsync();
        await Eventually.AssertAsync(() => Task.FromResult(gateway.Server.ServerConnections), n => n == 0, TimeSpan.FromSeconds(10), "servers still counted (a closed server counts until its backend is gone)");
        Assert.Equal(0L, await PgSandbox.ScalarAsync<long>("select count(*) from pg_stat_activity where state like 'idle in transaction%'"));

        await using var next = await gateway.OpenAsync();
        Assert.Equal("read committed", await ScalarAsync(next, "select current_setting('transaction_isolation')"));
        Assert.NotEqual(pid, (await ScalarAsync(next, "select pg_backend_pid()"))!.ToString());
        Assert.Equal(DBNull.Value, await ScalarAsync(next, "select to_regclass('pg_temp.half_done')::text"));
    }

    [SkippableFact]
    public async Task A_client_that_resets_while_its_server_is_still_logging_in_does_not_cost_the_pool_its_server()
    {
        await using var slow = DelayingProxy.Start(PgSandbox.Host, PgSandbox.Port, TimeSpan.FromSeconds(1));
        await using var gateway = GatewayHarness.Start(c => WithDatabase(c with { AuthType = AuthType.Trust, DefaultPoolSize = 1 },
            new() { Name = "slow", Host = "127.0.0.1", Port = slow.Port, DbName = "app" }));
        using (var client = await RawPgClient.ConnectAsync(gateway))
        {
            await client.SendAsync(RawPgClient.Startup(("user", Roles.App), ("database", "slow")));
            await Eventually.AssertAsync(() => gateway.Pool("slow")?.ServersLogin ?? 0, n => n == 1, Bound, "the gateway should be logging in to the slow server");
            client.CloseAbruptly();
        }

        // The pool's only server is given back or closed, never left assigned to a client that is gone.
        await gateway.AssertPoolSettledAsync("slow");
        using var next = await RawPgClient.LogInWithTrustAsync(gateway, database: "slow");
        await next.SendAsync(RawPgClient.Query("select 'served'"));
        Assert.Equal("served", (await next.ReadUntilReadyForQueryAsync()).Single(m => m.TypeChar == 'D').Columns()[0]);
    }

    [SkippableFact]
    public async Task Session_state_does_not_leak_to_the_next_client_of_the_same_server()
    {
        await using var gateway = GatewayHarness.Start(c => c with { DefaultPoolSize = 1 });
        object? pid;
        await using (var first = await gateway.OpenAsync())
        {
            pid = await ScalarAsync(first, "select pg_backend_pid()");
            await ScalarAsync(first, """
                set search_path to pg_catalog, public; set statement_timeout = '12s'; set DateStyle = 'German';
                set application_name = 'client-a'; select set_config('app.tenant', '42', false);
                create temp table leaked (x int); prepare leaked_statement as select 1; listen leaked_channel;
                declare leaked_cursor cursor with hold for select 1; select pg_advisory_lock(4242)
                """);
        }

        await using var second = await gateway.OpenAsync();
        Assert.Equal(pid, await ScalarAsync(second, "select pg_backend_pid()")); // the same server, reset
        Assert.Equal("\"$user\", public", await ScalarAsync(second, "show search_path"));
        Assert.Equal("0", await ScalarAsync(second, "show statement_timeout"));
        Assert.Equal("ISO, MDY", await ScalarAsync(second, "show DateStyle"));
        Assert.Equal("poolguard-tests", await ScalarAsync(second, "show application_name"));
        Assert.NotEqual("42", await ScalarAsync(second, "select coalesce(current_setting('app.tenant', true), '')"));
        Assert.Equal(DBNull.Value, await ScalarAsync(second, "select to_regclass('pg_temp.leaked')::text"));
        Assert.Equal(0L, await ScalarAsync(second, "select count(*) from pg_prepared_statements"));
        Assert.Equal(0L, await ScalarAsync(second, "select count(*) from pg_listening_channels()"));
        Assert.Equal(0L, await ScalarAsync(second, "select count(*) from pg_cursors where name = 'leaked_cursor'"));
        Assert.Equal(0L, await PgSandbox.ScalarAsync<long>("select count(*) from pg_locks where locktype = 'advisory' and objid = 4242"));
    }

    /// <summary>Terminates app_user's backends and waits for each to exit (the select list runs after WHERE, never on our own session).</summary>
    private const string TerminateAppBackends =
        "select count(*) filter (where pg_terminate_backend(pid, 5000)) from pg_stat_activity where usename = 'app_user' and datname = 'app'";

    private static PoolGuardConfig WithDatabase(PoolGuardConfig config, DatabaseEntry database) =>
        config with { Databases = new Dictionary<string, DatabaseEntry>(config.Databases) { [database.Name] = database } };

    private static Task WaitForBackendGoneAsync(int pid) =>
        Eventually.AssertAsync(() => PgSandbox.ScalarAsync<long>("select count(*) from pg_stat_activity where pid = $1", pid),
            n => n == 0, Bound, $"backend {pid} is still there");
}
