using System.Globalization;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// The admin console's numbers are the gateway's own: SHOW POOLS agrees with GetPools() and with
/// pg_stat_activity, SHOW STATS counts exactly the transactions and queries clients ran, and SHOW
/// CLIENTS / SHOW SERVERS pair each client with the very backend it holds.
/// </summary>
public sealed class AdminStatsTests
{
    private static GatewayHarness StartGateway(Func<PoolGuardConfig, PoolGuardConfig>? more = null) =>
        GatewayHarness.Start(c =>
        {
            var config = c with { AuthType = AuthType.Trust, AdminUsers = [Roles.App], DefaultPoolSize = 4 };
            return more is null ? config : more(config);
        });

    [SkippableFact]
    public async Task Show_pools_matches_GetPools_and_pg_stat_activity_while_clients_hold_servers()
    {
        await PgSandbox.WaitForNoBackendsAsync(Roles.Scram);
        await using var gateway = StartGateway();
        var holders = new List<NpgsqlConnection>();
        for (var i = 0; i < 3; i++)
        {
            holders.Add(await gateway.OpenAndQueryAsync(Roles.Scram, Roles.ScramPassword));
        }
        try
        {
            using var console = await ConsoleClient.LogInAsync(gateway);
            var pools = await console.ShowAsync("POOLS");

            var row = pools.Rows.Single(r => pools.Value(r, "database") == "app" && pools.Value(r, "user") == Roles.Scram);
            var snapshot = gateway.Pool("app", Roles.Scram)!;
            Assert.Equal("3", pools.Value(row, "cl_active"));
            Assert.Equal("3", pools.Value(row, "sv_active"));
            Assert.Equal(snapshot.ClientsActive.ToString(CultureInfo.InvariantCulture), pools.Value(row, "cl_active"));
            Assert.Equal(snapshot.ClientsWaiting.ToString(CultureInfo.InvariantCulture), pools.Value(row, "cl_waiting"));
            Assert.Equal(snapshot.ServersActive.ToString(CultureInfo.InvariantCulture), pools.Value(row, "sv_active"));
            Assert.Equal(snapshot.ServersIdle.ToString(CultureInfo.InvariantCulture), pools.Value(row, "sv_idle"));
            Assert.Equal("session", pools.Value(row, "pool_mode"));
            var servers = int.Parse(pools.Value(row, "sv_active")!, CultureInfo.InvariantCulture)
                + int.Parse(pools.Value(row, "sv_idle")!, CultureInfo.InvariantCulture)
                + int.Parse(pools.Value(row, "sv_used")!, CultureInfo.InvariantCulture)
                + int.Parse(pools.Value(row, "sv_login")!, CultureInfo.InvariantCulture);
            Assert.Equal(await PgSandbox.CountBackendsAsync(Roles.Scram), servers);
        }
        finally
        {
            foreach (var holder in holders)
            {
                await holder.DisposeAsync();
            }
        }
    }

    [SkippableTheory]
    [InlineData(PoolMode.Session)]
    [InlineData(PoolMode.Transaction)]
    public async Task Show_stats_counts_exactly_the_transactions_and_queries_clients_ran(PoolMode mode)
    {
        await using var gateway = StartGateway(c => c with { PoolMode = mode });
        // Two clients, each: 4 single-statement transactions, then one block of 3 statements.
        for (var client = 0; client < 2; client++)
        {
            using var raw = await RawPgClient.LogInWithTrustAsync(gateway);
            for (var i = 0; i < 4; i++)
            {
                await QueryAsync(raw, $"select {i}");
            }
            await QueryAsync(raw, "begin");
            await QueryAsync(raw, "select 'in a block'");
            await QueryAsync(raw, "commit");
        }
        using var console = await ConsoleClient.LogInAsync(gateway);

        var stats = await console.ShowAsync("STATS");
        var totals = await console.ShowAsync("STATS_TOTALS");

        var row = stats.RowWhere("database", "app");
        Assert.Equal("10", stats.Value(row, "total_xact_count"));
        Assert.Equal("14", stats.Value(row, "total_query_count"));
        Assert.Equal("2", stats.Value(row, "total_client_connect_count"));
        Assert.True(long.Parse(stats.Value(row, "total_received")!, CultureInfo.InvariantCulture) > 0);
        Assert.True(long.Parse(stats.Value(row, "total_sent")!, CultureInfo.InvariantCulture) > 0);
        Assert.True(long.Parse(stats.Value(row, "total_server_assignment_count")!, CultureInfo.InvariantCulture) >= 2);
        var total = totals.RowWhere("database", "app");
        Assert.Equal("10", totals.Value(total, "xact_count"));
        Assert.Equal("14", totals.Value(total, "query_count"));
        var fromApi = Assert.Single(gateway.Server.GetStats(), s => s.Database == "app");
        Assert.Equal(10, fromApi.Totals.XactCount);
        Assert.Equal(14, fromApi.Totals.QueryCount);
    }

    [SkippableFact]
    public async Task Show_stats_averages_are_rates_over_the_stats_period()
    {
        await using var gateway = StartGateway(c => c with { StatsPeriod = TimeSpan.FromSeconds(1) });
        using (var raw = await RawPgClient.LogInWithTrustAsync(gateway))
        {
            for (var i = 0; i < 5; i++)
            {
                await QueryAsync(raw, "select 1");
            }
        }
        using var console = await ConsoleClient.LogInAsync(gateway);

        // Within two periods the five queries land in one of them: a rate above zero.
        await Eventually.AssertAsync(async () => (await console.ShowAsync("STATS_AVERAGES")).Rows.Single(r => r[0] == "app")[3],
            rate => long.Parse(rate!, CultureInfo.InvariantCulture) > 0, TimeSpan.FromSeconds(5), "avg query_count of app");
    }

    [SkippableFact]
    public async Task Show_clients_and_show_servers_pair_a_client_with_its_backend()
    {
        await using var gateway = StartGateway();
        var builder = new NpgsqlConnectionStringBuilder(gateway.ConnectionString()) { ApplicationName = "admin-console-probe" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select pg_backend_pid()", connection);
        var backendPid = (int)(await command.ExecuteScalarAsync())!;
        using var console = await ConsoleClient.LogInAsync(gateway);

        var clients = await console.ShowAsync("CLIENTS");
        var servers = await console.ShowAsync("SERVERS");

        var client = clients.RowWhere("application_name", "admin-console-probe");
        Assert.Equal("C", clients.Value(client, "type"));
        Assert.Equal(Roles.App, clients.Value(client, "user"));
        Assert.Equal("app", clients.Value(client, "database"));
        Assert.Equal("active", clients.Value(client, "state"));
        var server = servers.RowWhere("ptr", clients.Value(client, "link"));
        Assert.Equal(backendPid.ToString(CultureInfo.InvariantCulture), servers.Value(server, "remote_pid"));
        Assert.Equal(clients.Value(client, "ptr"), servers.Value(server, "link"));
        Assert.Equal("active", servers.Value(server, "state"));
        Assert.Equal("S", servers.Value(server, "type"));
        // The console's own connection is listed too, as in PgBouncer.
        Assert.Contains(clients.Rows, r => clients.Value(r, "database") == "pgbouncer");
        // The public API sees the same pairing.
        var apiClient = Assert.Single(gateway.Server.GetClients(), c => c.ApplicationName == "admin-console-probe");
        var apiServer = Assert.Single(gateway.Server.GetServers(), s => s.Id == apiClient.LinkedServerId);
        Assert.Equal(backendPid, apiServer.BackendProcessId);
    }

    [SkippableFact]
    public async Task Show_databases_and_users_count_the_open_connections()
    {
        await using var gateway = StartGateway();
        await using var holder = await gateway.OpenAsync();
        using var console = await ConsoleClient.LogInAsync(gateway);

        var databases = await console.ShowAsync("DATABASES");
        var users = await console.ShowAsync("USERS");

        var app = databases.RowWhere("name", "app");
        Assert.Equal("4", databases.Value(app, "pool_size"));
        Assert.Equal("1", databases.Value(app, "current_connections"));
        Assert.Equal("1", databases.Value(app, "current_client_connections"));
        Assert.Equal(PgSandbox.Port.ToString(CultureInfo.InvariantCulture), databases.Value(app, "port"));
        Assert.Equal("statement", databases.Value(databases.RowWhere("name", "pgbouncer"), "pool_mode"));
        var user = users.RowWhere("name", Roles.App);
        Assert.Equal("1", users.Value(user, "current_connections"));
        Assert.Equal("2", users.Value(user, "current_client_connections")); // the pooled client and the console
    }

    private static async Task QueryAsync(RawPgClient client, string sql)
    {
        await client.SendAsync(RawPgClient.Query(sql));
        var messages = await client.ReadUntilReadyForQueryAsync();
        Assert.DoesNotContain(messages, m => m.TypeChar == 'E');
    }
}
