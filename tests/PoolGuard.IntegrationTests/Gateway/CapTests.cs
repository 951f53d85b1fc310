using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// The caps shared between pools (per database, per user, over the whole gateway) hold as PostgreSQL
/// sees it, while clients of several pools compete and idle servers of one pool are closed to make
/// room for another; every client is still served.
/// </summary>
public sealed class CapTests
{
    private const int Cap = 3;
    private const int ClientsPerPool = 12;

    // (database, user) pools the clients spread over, per cap under test.
    public static TheoryData<string> Caps => ["max_db_connections", "max_user_connections", "max_server_connections"];

    [SkippableTheory]
    [MemberData(nameof(Caps))]
    public async Task A_shared_cap_holds_at_the_database_while_clients_of_several_pools_all_get_served(string cap)
    {
        var (config, pools) = cap switch
        {
            "max_db_connections" => ((Func<PoolGuardConfig, PoolGuardConfig>)(c => c with { MaxDbConnections = Cap }),
                new[] { ("app", Roles.App), ("app", Roles.Scram), ("app", Roles.Md5) }),
            "max_user_connections" => (c => c with { MaxUserConnections = Cap }, new[] { ("app", Roles.App), ("pgbench", Roles.App) }),
            _ => (c => c with { MaxServerConnections = Cap }, new[] { ("app", Roles.App), ("app", Roles.Scram), ("pgbench", Roles.App) }),
        };
        await using var gateway = GatewayHarness.Start(c => config(c with { DefaultPoolSize = 5, QueryWaitTimeout = TimeSpan.FromSeconds(60) }));
        await Eventually.AssertAsync(CountOurBackendsAsync, n => n == 0, TimeSpan.FromSeconds(15), "backends left over from an earlier test");

        await using var monitor = await PgSandbox.OpenSuperuserAsync();
        await using var count = new NpgsqlCommand(OurBackends, monitor);
        await using var backends = Sampler.Start(TimeSpan.FromMilliseconds(5), async token => (int)(long)(await count.ExecuteScalarAsync(token))!);
        await using var servers = Sampler.Start(TimeSpan.FromMilliseconds(2), () => gateway.Server.ServerConnections);

        var clients = pools.SelectMany(pool => Enumerable.Range(0, ClientsPerPool).Select(_ => RunClientAsync(gateway, pool.Item1, pool.Item2)));
        var failures = (await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(90))).Where(f => f is not null).ToList();
        await backends.StopAsync();
        await servers.StopAsync();

        Assert.True(failures.Count == 0, $"{failures.Count} clients failed; first: {failures.FirstOrDefault()}");
        Assert.True(backends.Failures == 0, $"the sampler failed: {backends.LastFailure}");
        Assert.InRange(servers.Max, 1, Cap);
        Assert.InRange(backends.Max, 1, Cap);
        foreach (var (database, user) in pools)
        {
            await gateway.AssertPoolSettledAsync(database, user);
        }
    }

    private const string OurBackends =
        "select count(*) from pg_stat_activity where usename in ('app_user', 'scram_user', 'md5_user') and datname in ('app', 'pgbench')";

    private static async Task<long> CountOurBackendsAsync() => await PgSandbox.ScalarAsync<long>(OurBackends);

    private static async Task<Exception?> RunClientAsync(GatewayHarness gateway, string database, string user)
    {
        var password = user switch { Roles.Scram => Roles.ScramPassword, Roles.Md5 => Roles.Md5Password, _ => Roles.AppPassword };
        try
        {
            await using var connection = await gateway.OpenAsync(user, password, database);
            await using var command = new NpgsqlCommand("select pg_sleep(0.03)", connection);
            await command.ExecuteNonQueryAsync();
            return null;
        }
        catch (NpgsqlException ex)
        {
            return ex;
        }
    }
}
