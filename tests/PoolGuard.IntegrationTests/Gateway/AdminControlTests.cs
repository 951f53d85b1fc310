using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>The console commands that change things: PAUSE/RESUME, KILL, KILL_CLIENT, DISABLE/ENABLE, RECONNECT/WAIT_CLOSE, SET, RELOAD, SHUTDOWN.</summary>
public sealed class AdminControlTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static GatewayHarness StartGateway(PoolMode mode = PoolMode.Transaction) =>
        GatewayHarness.Start(c => c with { AuthType = AuthType.Trust, PoolMode = mode, AdminUsers = [Roles.App] });

    private static async Task OkAsync(ConsoleClient console, string command)
    {
        var answer = await console.QueryAsync(command);
        Assert.True(answer.Error is null, $"{command}: {answer.Error}");
    }

    [SkippableFact]
    public async Task Pause_waits_for_the_running_transaction_makes_new_queries_wait_and_resume_releases_them()
    {
        // It counts backends: those of an earlier test's gateway may still be exiting.
        await PgSandbox.WaitForNoBackendsAsync();
        await using var gateway = StartGateway();
        await using var busy = await gateway.OpenAsync();
        await using var idle = await gateway.OpenAsync();
        await NpgsqlScalar.ScalarAsync(idle, "select 1");
        await using var transaction = await busy.BeginTransactionAsync();
        await NpgsqlScalar.ScalarAsync(busy, "select 1");
        using var console = await ConsoleClient.LogInAsync(gateway);

        var pause = console.QueryAsync("PAUSE app");
        await Task.Delay(300);
        Assert.False(pause.IsCompleted, "PAUSE returned while a transaction still held a server");

        await transaction.CommitAsync();
        var paused = await pause.WaitAsync(Bound);
        Assert.Null(paused.Error);
        Assert.Equal(0, await PgSandbox.CountBackendsAsync());
        Assert.Equal("1", (await console.ShowAsync("DATABASES")) is var databases ? databases.Value(databases.RowWhere("name", "app"), "paused") : null);

        var waiting = NpgsqlScalar.ScalarAsync(idle, "select 42");
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "a query ran while its database was paused");
        Assert.Equal(1, gateway.Pool()?.ClientsWaiting);

        await OkAsync(console, "RESUME app");
        Assert.Equal(42, await waiting.WaitAsync(Bound));
        Assert.Equal(1, await NpgsqlScalar.ScalarAsync(busy, "select 1"));
        Assert.Contains(gateway.Server.Events.Recent(), e => e.Kind == PoolGuard.Gateway.Events.GatewayEventKind.Paused);
        Assert.Contains(gateway.Server.Events.Recent(), e => e.Kind == PoolGuard.Gateway.Events.GatewayEventKind.Resumed);
    }

    [SkippableFact]
    public async Task Pause_without_a_database_shows_in_show_state()
    {
        await using var gateway = StartGateway();
        using var console = await ConsoleClient.LogInAsync(gateway);

        await OkAsync(console, "PAUSE");
        var state = await console.ShowAsync("STATE");
        Assert.Equal("yes", state.Value(state.RowWhere("key", "paused"), "value"));
        await OkAsync(console, "RESUME");
        state = await console.ShowAsync("STATE");
        Assert.Equal("no", state.Value(state.RowWhere("key", "paused"), "value"));
    }

    [SkippableFact]
    public async Task Kill_disconnects_the_databases_clients_with_57P01_and_new_ones_wait_until_resume()
    {
        await using var gateway = StartGateway(PoolMode.Session);
        await using var victim = await gateway.OpenAsync();
        await NpgsqlScalar.ScalarAsync(victim, "select 1");
        using var console = await ConsoleClient.LogInAsync(gateway);

        await OkAsync(console, "KILL app");

        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => NpgsqlScalar.ScalarAsync(victim, "select 1"));
        Assert.True(error is PostgresException { SqlState: "57P01" } || error.InnerException is not null, $"got {error}");
        await Eventually.AssertAsync(() => PgSandbox.CountBackendsAsync(), n => n == 0, Bound, "servers of the killed database still open");
        var newcomer = gateway.OpenAndQueryAsync();
        await Task.Delay(300);
        Assert.False(newcomer.IsCompleted, "a new client got a server of a killed database before RESUME");
        await OkAsync(console, "RESUME");
        await using var served = await newcomer.WaitAsync(Bound);
        Assert.Equal(1, await NpgsqlScalar.ScalarAsync(served, "select 1"));
    }

    [SkippableFact]
    public async Task Every_action_publishes_its_event_naming_who_asked_and_a_refused_one_publishes_none()
    {
        await using var gateway = StartGateway();
        await using var client = await gateway.OpenAsync();
        Assert.Equal(1, await NpgsqlScalar.ScalarAsync(client, "select 1"));
        var id = gateway.Server.GetClients().First(c => c.Database == "app").Id;
        using var console = await ConsoleClient.LogInAsync(gateway);
        var before = gateway.Server.Events.Recent().Count;

        foreach (var command in new[] { "DISABLE app", "ENABLE app", "RECONNECT app", "PAUSE app", "RESUME app", $"KILL_CLIENT {id}", "KILL app", "RESUME" })
        {
            await OkAsync(console, command);
        }
        Assert.Equal("3D000", (await console.QueryAsync("DISABLE nosuchdb")).Error?.Fields()['C']); // refused: no event

        var published = gateway.Server.Events.Recent().Skip(before).Select(e => (Kind: EventKindNames.Of(e.Kind), e.Pool, e.Detail)).ToList();
        Assert.Equal(["disabled", "enabled", "servers_reconnected", "paused", "resumed", "client_killed", "paused", "resumed"], published.Select(e => e.Kind));
        Assert.All(published, e => Assert.Contains($"by {Roles.App}", e.Detail, StringComparison.Ordinal));
        Assert.Equal(["app/*", "app/*", "app/*", "app/*", "app/*", $"app/{Roles.App}", "app/*", null], published.Select(e => e.Pool));
        Assert.Contains("1 server(s) to be replaced", published[2].Detail, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_view_shows_what_the_actions_did_paused_and_disabled_databases_and_the_connection_totals()
    {
        await using var gateway = StartGateway();
        await using var client = await gateway.OpenAsync();
        Assert.Equal(1, await NpgsqlScalar.ScalarAsync(client, "select 1"));
        using var console = await ConsoleClient.LogInAsync(gateway);
        var view = gateway.Server.View;
        var start = view.State();
        Assert.True(start.Accepting);
        Assert.Empty(start.PausedDatabases);
        Assert.Equal(2, start.ClientConnections); // the app client and the console
        Assert.Equal(gateway.Server.GetPools().Sum(p => p.ServersTotal), start.ServerConnections);
        var seen = view.EventsSince(0).Last().Sequence;

        await OkAsync(console, "DISABLE app");
        await OkAsync(console, "PAUSE app");
        var state = view.State();
        Assert.Equal(["app"], state.PausedDatabases);
        Assert.Equal(["app"], state.DisabledDatabases);
        Assert.False(state.AllPaused);
        Assert.Equal([GatewayEventKind.Disabled, GatewayEventKind.Paused], view.EventsSince(seen).Select(e => e.Kind));
        Assert.Equal(PoolMode.Transaction, Assert.Single(view.Pools(), p => p.Key.Database == "app").Mode);
    }

    [SkippableFact]
    public async Task Kill_client_ends_one_client_and_leaves_the_others()
    {
        await using var gateway = StartGateway();
        await using var victim = await gateway.OpenAsync();
        await using var bystander = await gateway.OpenAsync();
        using var console = await ConsoleClient.LogInAsync(gateway);
        var victimPid = (int)(await NpgsqlScalar.ScalarAsync(victim, "select 1"))!;
        var id = gateway.Server.GetClients().First(c => c.Database == "app").Id;

        await OkAsync(console, $"KILL_CLIENT {id}");

        var remaining = await Eventually.TrueAsync(() => gateway.Server.GetClients().All(c => c.Id != id), Bound);
        Assert.True(remaining, "the killed client is still listed");
        Assert.Equal(1, await NpgsqlScalar.ScalarAsync(bystander, "select 1"));
        var missing = await console.QueryAsync("KILL_CLIENT 999999999");
        Assert.Equal("42704", missing.Error?.Fields()['C']);
    }

    [SkippableFact]
    public async Task Disable_refuses_new_clients_with_57P03_and_enable_lets_them_in()
    {
        await using var gateway = StartGateway();
        using var console = await ConsoleClient.LogInAsync(gateway);

        await OkAsync(console, "DISABLE app");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync());
        Assert.Equal("57P03", refused.SqlState);
        Assert.Contains("ENABLE", refused.Hint, StringComparison.Ordinal);

        await OkAsync(console, "ENABLE app");
        await using var connection = await gateway.OpenAsync();
        Assert.Equal(1, await NpgsqlScalar.ScalarAsync(connection, "select 1"));
    }

    [SkippableFact]
    public async Task Reconnect_replaces_every_server_once_released_and_wait_close_returns_when_done()
    {
        await using var gateway = StartGateway();
        await using var client = await gateway.OpenAsync();
        var before = (int)(await NpgsqlScalar.ScalarAsync(client, "select pg_backend_pid()"))!;
        await using var transaction = await client.BeginTransactionAsync();
        await NpgsqlScalar.ScalarAsync(client, "select 1");
        using var console = await ConsoleClient.LogInAsync(gateway);

        await OkAsync(console, "RECONNECT app");
        var servers = await console.ShowAsync("SERVERS");
        Assert.Contains(servers.Rows, r => servers.Value(r, "close_needed") == "1");
        var waitClose = console.QueryAsync("WAIT_CLOSE app");
        await Task.Delay(300);
        Assert.False(waitClose.IsCompleted, "WAIT_CLOSE returned while the marked server was still in a transaction");

        await transaction.CommitAsync();
        Assert.Null((await waitClose.WaitAsync(Bound)).Error);
        var after = (int)(await NpgsqlScalar.ScalarAsync(client, "select pg_backend_pid()"))!;
        Assert.NotEqual(before, after);
    }

    [SkippableFact]
    public async Task Set_changes_a_live_setting_and_refuses_bad_values_and_restart_only_keys()
    {
        await using var gateway = StartGateway();
        using var console = await ConsoleClient.LogInAsync(gateway);

        await OkAsync(console, "SET default_pool_size = 3");
        Assert.Equal(3, gateway.Server.Config.DefaultPoolSize);
        var config = await console.ShowAsync("CONFIG");
        Assert.Equal("3", config.Value(config.RowWhere("key", "default_pool_size"), "value"));
        await OkAsync(console, "SET query_wait_timeout = '45'");
        Assert.Equal(TimeSpan.FromSeconds(45), gateway.Server.Config.QueryWaitTimeout);

        var bad = await console.QueryAsync("SET default_pool_size = -2");
        Assert.Equal("22023", bad.Error?.Fields()['C']);
        Assert.Contains("default_pool_size", bad.Error?.Fields()['M'], StringComparison.Ordinal);
        var restartOnly = await console.QueryAsync("SET listen_port = 7000");
        Assert.Contains("restart", restartOnly.Error?.Fields()['M'], StringComparison.Ordinal);
        var unknown = await console.QueryAsync("SET no_such_setting = 1");
        Assert.Contains("unknown setting", unknown.Error?.Fields()['M'], StringComparison.Ordinal);
        Assert.Equal(3, gateway.Server.Config.DefaultPoolSize);
    }

    [SkippableFact]
    public async Task Reload_without_a_configuration_file_is_refused_with_the_reason()
    {
        await using var gateway = StartGateway();
        using var console = await ConsoleClient.LogInAsync(gateway);

        var answer = await console.QueryAsync("RELOAD");

        Assert.Contains("without a configuration file", answer.Error?.Fields()['M'], StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Shutdown_answers_then_stops_the_gateway()
    {
        await using var gateway = StartGateway();
        await using var client = await gateway.OpenAsync();
        using var console = await ConsoleClient.LogInAsync(gateway);

        await OkAsync(console, "SHUTDOWN");

        await gateway.Server.Stopped.WaitAsync(Bound);
        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => NpgsqlScalar.ScalarAsync(client, "select 1"));
        Assert.True(error is PostgresException { SqlState: "57P01" } || error.InnerException is not null, $"got {error}");
    }
}
