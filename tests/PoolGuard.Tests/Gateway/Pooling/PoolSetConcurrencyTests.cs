using PoolGuard.Gateway.Pooling;

namespace PoolGuard.Tests.Gateway.Pooling;

/// <summary>
/// Many threads checking out, releasing and closing servers of pools that share caps at once:
/// the per-pool fast paths and the shared-cap slow paths must never overshoot a cap, lose a
/// waiter, or leave the counts wrong. Time is fake, so a lost waiter hangs instead of timing out.
/// </summary>
public sealed class PoolSetConcurrencyTests
{
    private const int GlobalCap = 5;
    private const int DatabaseCap = 4;

    [Fact]
    public async Task Concurrent_checkouts_across_pools_with_shared_caps_never_overshoot_and_never_lose_a_waiter()
    {
        var fixture = new PoolSetFixture(c => c with { DefaultPoolSize = 3, MaxServerConnections = GlobalCap, MaxDbConnections = DatabaseCap });
        Pool[] pools = [fixture.Pool("app", "alice"), fixture.Pool("app", "bob"), fixture.Pool("other", "alice"), fixture.Pool("other", "bob")];
        var heldTotal = 0;
        var heldApp = 0;
        var heldOther = 0;
        var worst = new int[3];

        async Task ClientAsync(int id)
        {
            var random = new Random(id);
            var slot = new ClientSlot();
            var pool = pools[id % pools.Length];
            for (var i = 0; i < 300; i++)
            {
                var server = await fixture.AcquireAsync(pool, slot);
                Record(ref worst[0], Interlocked.Increment(ref heldTotal));
                Record(ref worst[pool.Key.Database == "app" ? 1 : 2],
                    pool.Key.Database == "app" ? Interlocked.Increment(ref heldApp) : Interlocked.Increment(ref heldOther));
                if (random.Next(4) == 0)
                {
                    await Task.Yield();
                }
                Interlocked.Decrement(ref heldTotal);
                if (pool.Key.Database == "app")
                {
                    Interlocked.Decrement(ref heldApp);
                }
                else
                {
                    Interlocked.Decrement(ref heldOther);
                }
                // Now and then a server breaks instead of going back, so waiters are also served by opening.
                if (random.Next(20) == 0)
                {
                    fixture.Pools.Close(server);
                }
                else
                {
                    fixture.Pools.Release(server);
                }
            }
        }

        var clients = Enumerable.Range(0, 32).Select(id => Task.Run(() => ClientAsync(id))).ToArray();
        await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.InRange(worst[0], 1, GlobalCap);
        Assert.InRange(worst[1], 1, DatabaseCap);
        Assert.InRange(worst[2], 1, DatabaseCap);
        var snapshots = fixture.Pools.Snapshot();
        Assert.All(snapshots, s =>
        {
            Assert.Equal(0, s.ClientsWaiting);
            Assert.Equal(0, s.ServersActive);
            Assert.Equal(0, s.ServersLogin);
        });
        Assert.Equal(snapshots.Sum(s => s.ServersIdle), fixture.Pools.OpenServers);
        Assert.InRange(fixture.Pools.OpenServers, 1, GlobalCap);
    }

    private static void Record(ref int worst, int now)
    {
        var seen = Volatile.Read(ref worst);
        while (now > seen && Interlocked.CompareExchange(ref worst, now, seen) is var actual && actual != seen)
        {
            seen = actual;
        }
    }
}
