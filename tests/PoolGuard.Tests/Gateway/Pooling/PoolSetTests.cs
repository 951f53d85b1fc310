using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Pooling;

namespace PoolGuard.Tests.Gateway.Pooling;

public sealed class PoolSetTests
{
    [Fact]
    public async Task A_released_server_is_reused_before_a_new_one_is_opened()
    {
        var fixture = new PoolSetFixture();
        var pool = fixture.Pool();
        var first = await fixture.AcquireAsync(pool);
        fixture.Pools.Release(first);

        var second = await fixture.AcquireAsync(pool);

        Assert.Same(first, second);
        Assert.Equal(1, fixture.Pools.OpenServers);
    }

    [Fact]
    public async Task Counts_follow_the_states_of_servers_and_clients()
    {
        var fixture = new PoolSetFixture();
        var pool = fixture.Pool();
        var a = await fixture.AcquireAsync(pool, new ClientSlot());
        var b = await fixture.AcquireAsync(pool, new ClientSlot());
        var waiting = fixture.AcquireAsync(pool, new ClientSlot());

        var busy = fixture.Snapshot(pool);
        Assert.Equal((2, 1, 2, 0), (busy.ClientsActive, busy.ClientsWaiting, busy.ServersActive, busy.ServersIdle));

        fixture.Pools.Release(a);
        var c = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Same(a, c);
        fixture.Pools.Release(b);

        var after = fixture.Snapshot(pool);
        Assert.Equal((0, 1, 1), (after.ClientsWaiting, after.ServersActive, after.ServersIdle));
    }

    [Fact]
    public async Task Waiters_are_served_first_come_first_served()
    {
        var fixture = new PoolSetFixture(c => c with { DefaultPoolSize = 1 });
        var pool = fixture.Pool();
        var holder = await fixture.AcquireAsync(pool);
        var order = new List<int>();
        var waiters = Enumerable.Range(0, 5).Select(async i =>
        {
            var server = await fixture.AcquireAsync(pool);
            lock (order) { order.Add(i); }
            await Task.Yield();
            fixture.Pools.Release(server);
        }).ToList();

        fixture.Pools.Release(holder);
        await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal([0, 1, 2, 3, 4], order);
    }

    [Fact]
    public async Task A_waiter_times_out_after_query_wait_timeout_with_an_error_naming_it()
    {
        var fixture = new PoolSetFixture(c => c with { DefaultPoolSize = 1, QueryWaitTimeout = TimeSpan.FromSeconds(3) });
        var pool = fixture.Pool();
        await fixture.AcquireAsync(pool);
        var waiter = fixture.AcquireAsync(pool);

        fixture.Time.Advance(TimeSpan.FromSeconds(3));
        var refused = await Assert.ThrowsAsync<PoolRefusedException>(() => waiter.WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.Contains("query_wait_timeout", refused.Error.Message);
        Assert.Equal("08P01", refused.Error.Code);
        Assert.Equal(0, fixture.Snapshot(pool).ClientsWaiting);
        Assert.Contains(fixture.Events.Recent(), e => e.Kind == GatewayEventKind.WaitTimeout);
    }

    [Fact]
    public async Task A_full_wait_queue_refuses_at_once_with_53300_naming_max_waiting_clients()
    {
        var fixture = new PoolSetFixture(c => c with { DefaultPoolSize = 1, MaxWaitingClients = 2 });
        var pool = fixture.Pool();
        await fixture.AcquireAsync(pool);
        _ = fixture.AcquireAsync(pool);
        _ = fixture.AcquireAsync(pool);

        var refused = await Assert.ThrowsAsync<PoolRefusedException>(() => fixture.AcquireAsync(pool));

        Assert.Equal("53300", refused.Error.Code);
        Assert.Contains("max_waiting_clients", refused.Error.Message);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue()
    {
        var fixture = new PoolSetFixture(c => c with { DefaultPoolSize = 1 });
        var pool = fixture.Pool();
        await fixture.AcquireAsync(pool);
        using var gone = new CancellationTokenSource();
        var waiter = fixture.AcquireAsync(pool, cancellationToken: gone.Token);

        await gone.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, fixture.Snapshot(pool).ClientsWaiting);
    }

    [Fact]
    public async Task Closing_a_server_lets_a_waiter_open_a_new_one()
    {
        var fixture = new PoolSetFixture(c => c with { DefaultPoolSize = 1 });
        var pool = fixture.Pool();
        var dead = await fixture.AcquireAsync(pool);
        var waiter = fixture.AcquireAsync(pool);

        fixture.Pools.Close(dead);
        var fresh = await waiter.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.NotSame(dead, fresh);
        Assert.Equal(1, fixture.Pools.OpenServers);
    }
}
