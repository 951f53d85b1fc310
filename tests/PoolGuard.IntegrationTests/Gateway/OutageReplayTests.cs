using System.Diagnostics;
using Npgsql;
using PoolGuard.Gateway.Events;
using PoolGuard.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// The outage PoolGuard exists for, replayed: far more application connections than the database
/// has slots. Through the gateway they queue instead of exhausting PostgreSQL.
/// </summary>
public sealed class OutageReplayTests(ITestOutputHelper output)
{
    private const int PoolSize = 10;
    private const int Clients = 200;

    [SkippableFact]
    public async Task Two_hundred_concurrent_clients_all_succeed_while_postgres_never_sees_more_than_pool_size_backends()
    {
        await using var gateway = GatewayHarness.Start(c => c with
        {
            DefaultPoolSize = PoolSize,
            QueryWaitTimeout = TimeSpan.FromSeconds(60),
            MaxClientConn = 300,
        });
        Assert.Equal("40", await PgSandbox.ScalarAsync<string>("show max_connections"));
        await PgSandbox.WaitForNoBackendsAsync();

        await using var monitor = await PgSandbox.OpenSuperuserAsync();
        await using var count = new NpgsqlCommand("select count(*) from pg_stat_activity where usename = 'app_user' and datname = 'app'", monitor);
        await count.PrepareAsync();
        await using var backends = Sampler.Start(TimeSpan.FromMilliseconds(20), async token => (int)(long)(await count.ExecuteScalarAsync(token))!);
        await using var waiting = Sampler.Start(TimeSpan.FromMilliseconds(5), () => gateway.Pool()?.ClientsWaiting ?? 0);
        await using var servers = Sampler.Start(TimeSpan.FromMilliseconds(5), () => gateway.Pool()?.ServersTotal ?? 0);

        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => RunClientAsync(gateway, i)))
            .WaitAsync(TimeSpan.FromSeconds(90));
        clock.Stop();
        await backends.StopAsync();
        await waiting.StopAsync();
        await servers.StopAsync();

        output.WriteLine($"{Clients} clients in {clock.ElapsedMilliseconds} ms; max backends {backends.Max} over {backends.Samples.Count} samples; "
            + $"max servers {servers.Max}; max waiting {waiting.Max}");
        var failures = results.Where(r => r is not null).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {Clients} clients failed; first: {failures.FirstOrDefault()}");
        Assert.True(backends.Failures == 0, $"the pg_stat_activity sampler failed: {backends.LastFailure}");
        Assert.True(backends.Samples.Count >= 5, $"only {backends.Samples.Count} pg_stat_activity samples in {clock.Elapsed}");
        Assert.InRange(backends.Max, 1, PoolSize);
        Assert.InRange(servers.Max, 1, PoolSize);
        Assert.True(waiting.Max > 0, "no client was ever seen waiting: the test did not saturate the pool");

        // The episode ends once the queue has stayed empty for a second (checked by the once-a-second upkeep).
        List<GatewayEventKind> Kinds() => gateway.Server.Events.Recent().Where(e => e.Pool == "app/app_user").Select(e => e.Kind).ToList();
        await Eventually.TrueAsync(() => Kinds().Contains(GatewayEventKind.PoolRecovered), TimeSpan.FromSeconds(5));
        var kinds = Kinds();
        Assert.Contains(GatewayEventKind.PoolSaturated, kinds);
        Assert.Contains(GatewayEventKind.PoolRecovered, kinds);
        Assert.True(kinds.LastIndexOf(GatewayEventKind.PoolRecovered) > kinds.LastIndexOf(GatewayEventKind.PoolSaturated),
            "the last word on the pool must be that it recovered");
        await gateway.AssertPoolSettledAsync();
        Assert.InRange(await PgSandbox.CountBackendsAsync(), 0, PoolSize);
    }

    /// <summary>One application request: connect, a 50 ms query, disconnect. Returns the failure, if any.</summary>
    private static async Task<Exception?> RunClientAsync(GatewayHarness gateway, int index)
    {
        try
        {
            await using var connection = await gateway.OpenAsync();
            await using var command = new NpgsqlCommand("select pg_sleep(0.05), $1::int", connection);
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = index });
            await using var reader = await command.ExecuteReaderAsync();
            if (!await reader.ReadAsync() || reader.GetInt32(1) != index)
            {
                return new InvalidDataException($"client {index} got a wrong answer");
            }
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return ex;
        }
    }
}
