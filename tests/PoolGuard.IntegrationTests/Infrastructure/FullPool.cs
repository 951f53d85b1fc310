using Npgsql;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// A pool made full on purpose: every server held by a client in an open transaction, and one more client
/// queued behind them — the state the waiting alerts fire on. <see cref="ReleaseOneAsync"/> lets the queued
/// client through; disposing ends every transaction.
/// </summary>
internal sealed class FullPool : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly List<NpgsqlConnection> _holders;
    private readonly Task<NpgsqlConnection> _queued;

    private FullPool(List<NpgsqlConnection> holders, Task<NpgsqlConnection> queued)
    {
        _holders = holders;
        _queued = queued;
    }

    /// <summary>Holds <paramref name="servers"/> servers of app/app_user (the pool's size) and queues one client.</summary>
    public static async Task<FullPool> StartAsync(GatewayHarness gateway, int servers)
    {
        var holders = new List<NpgsqlConnection>();
        for (var i = 0; i < servers; i++)
        {
            var connection = await gateway.OpenAsync().WaitAsync(Bound);
            holders.Add(connection);
            await using var begin = new NpgsqlCommand("begin; select 1", connection);
            await begin.ExecuteNonQueryAsync().WaitAsync(Bound);
        }
        var queued = gateway.OpenAndQueryAsync();
        await Eventually.AssertAsync(() => gateway.Pool(), p => p is { ClientsWaiting: 1 }, Bound, "the extra client queued");
        return new FullPool(holders, queued);
    }

    /// <summary>One holder leaves; the queued client gets its server and has run its query when this returns.</summary>
    public async Task ReleaseOneAsync()
    {
        await _holders[0].DisposeAsync();
        _holders.RemoveAt(0);
        _holders.Add(await _queued.WaitAsync(Bound));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _holders)
        {
            await connection.DisposeAsync();
        }
        if (_queued.IsCompletedSuccessfully)
        {
            await _queued.Result.DisposeAsync();
        }
    }
}
