using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Transport;

namespace PoolGuard.Benchmarks;

/// <summary>
/// A <see cref="PoolSet"/> whose pool bench/bench holds one idle server, put there the way the
/// gateway does it (reserved by an acquire, connected, marked logged in, released), so benchmarks
/// start from the pool's real bookkeeping rather than a hand-built state.
/// </summary>
internal static class SeededPools
{
    /// <param name="otherPools">Empty pools for other databases, made first: does the cost depend on how many pools exist?</param>
    public static (PoolSet Pools, Pool Pool) WithOneIdleServer(PoolGuardConfig config, PgTransport serverTransport, int otherPools = 0)
    {
        var pools = new PoolSet(config, TimeProvider.System, new EventLog(TimeProvider.System));
        for (var i = 0; i < otherPools; i++)
        {
            pools.GetOrCreate(new PoolKey($"other{i}", "bench"), new DatabaseEntry { Name = $"other{i}" }, null);
        }
        var pool = pools.GetOrCreate(new PoolKey("bench", "bench"), new DatabaseEntry { Name = "bench" }, null);

        // An empty pool hands out the right to open a server; the connector would give it a socket.
        var server = TakeIdle(pools, pool, new ClientSlot());
        if (server.State != ServerState.Login)
        {
            throw new InvalidOperationException($"expected a reserved server, got one in state {server.State}");
        }
        server.Transport = serverTransport;
        pools.MarkLoggedIn(server);
        pools.Release(server);
        if (pool.ServersIn(ServerState.Idle) != 1)
        {
            throw new InvalidOperationException("the seeded server did not go idle");
        }
        return (pools, pool);
    }

    /// <summary>An acquire that must not wait: the pool has an idle server (or room for a new one).</summary>
    public static ServerConnection TakeIdle(PoolSet pools, Pool pool, ClientSlot client)
    {
        var pending = pools.AcquireAsync(pool, client, CancellationToken.None);
        return pending.IsCompletedSuccessfully
            ? pending.Result
            : throw new InvalidOperationException("AcquireAsync did not complete synchronously with an idle server");
    }
}
