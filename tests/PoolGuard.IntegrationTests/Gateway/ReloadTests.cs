using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>Limits change while clients work: the pool follows, and no client notices.</summary>
public sealed class ReloadTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Shrinking_pool_size_from_20_to_5_under_100_busy_clients_drops_no_client_and_converges_to_5()
    {
        await using var gateway = GatewayHarness.Start(c => c with { PoolMode = PoolMode.Transaction, DefaultPoolSize = 20 });
        await using var crowd = await ClientCrowd.OpenAsync(100, _ => gateway.ConnectionString(), TimeSpan.FromSeconds(60));
        using var stop = new CancellationTokenSource();
        var transactions = 0;

        async Task<Exception?> WorkAsync(NpgsqlConnection connection)
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await using var transaction = await connection.BeginTransactionAsync();
                    await using var command = new NpgsqlCommand("select pg_sleep(0.002)", connection, transaction);
                    await command.ExecuteNonQueryAsync();
                    await transaction.CommitAsync();
                    Interlocked.Increment(ref transactions);
                }
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }

        var work = crowd.Connections.Select(c => Task.Run(() => WorkAsync(c))).ToArray();
        await Eventually.AssertAsync(() => Task.FromResult(gateway.Pool()?.ServersTotal ?? 0), n => n == 20, TimeSpan.FromSeconds(20),
            "the pool never grew to 20 servers under 100 busy clients");

        var outcome = gateway.Server.Apply(gateway.Server.Config with { DefaultPoolSize = 5 });
        Assert.True(outcome.Applied);
        Assert.Contains("DefaultPoolSize: 20 → 5", outcome.Changes);

        // Converges while the clients keep working: busy servers close as their transactions end.
        await Eventually.AssertAsync(() => Task.FromResult(gateway.Pool()?.ServersTotal ?? 0), n => n <= 5, TimeSpan.FromSeconds(20),
            "servers did not shrink to 5 after the reload");
        await Eventually.AssertAsync(() => PgSandbox.CountBackendsAsync(), n => n <= 5, TimeSpan.FromSeconds(20),
            "PostgreSQL still sees more than 5 backends of the pool");
        var atReload = Volatile.Read(ref transactions);
        await Task.Delay(1000);
        await using (var backends = Sampler.Start(TimeSpan.FromMilliseconds(20), async token => await PgSandbox.CountBackendsAsync()))
        {
            await Task.Delay(1000);
            await backends.StopAsync();
            Assert.InRange(backends.Max, 1, 5);
        }
        stop.Cancel();
        var errors = (await Task.WhenAll(work).WaitAsync(TimeSpan.FromSeconds(30))).Where(e => e is not null).ToList();

        output.WriteLine($"{transactions} transactions, {transactions - atReload} after the pool had shrunk");
        Assert.True(errors.Count == 0, $"{errors.Count} clients failed; first: {errors.FirstOrDefault()}");
        Assert.True(transactions - atReload > 100, "the clients did not keep working on the shrunk pool");
        Assert.Contains(gateway.Server.Events.Recent(), e => e.Kind == GatewayEventKind.Reloaded && e.Detail.Contains("DefaultPoolSize: 20 → 5", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Growing_a_pool_serves_its_queued_clients_at_once()
    {
        await using var gateway = GatewayHarness.Start(c => c with { DefaultPoolSize = 1 });
        await using var holder = await gateway.OpenAndQueryAsync();
        var queued = gateway.OpenAndQueryAsync();
        await Eventually.AssertAsync(() => Task.FromResult(gateway.Pool()?.ClientsWaiting ?? 0), n => n == 1, TimeSpan.FromSeconds(10), "no client queued");

        gateway.Server.Apply(gateway.Server.Config with { DefaultPoolSize = 2 });

        await using var served = await queued.WaitAsync(TimeSpan.FromSeconds(10));
        await using var command = new NpgsqlCommand("select 1", served);
        Assert.Equal(1, await command.ExecuteScalarAsync());
    }
}
