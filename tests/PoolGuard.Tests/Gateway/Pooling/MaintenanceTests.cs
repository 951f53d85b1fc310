namespace PoolGuard.Tests.Gateway.Pooling;

public sealed class MaintenanceTests
{
    [Fact]
    public async Task Idle_servers_close_after_server_idle_timeout_down_to_min_pool_size()
    {
        var fixture = new PoolSetFixture(c => c with { DefaultPoolSize = 3, MinPoolSize = 1, ServerIdleTimeout = TimeSpan.FromSeconds(60) });
        var pool = fixture.Pool();
        var servers = new[] { await fixture.AcquireAsync(pool), await fixture.AcquireAsync(pool), await fixture.AcquireAsync(pool) };
        foreach (var server in servers)
        {
            fixture.Pools.Release(server);
        }

        fixture.Time.Advance(TimeSpan.FromSeconds(59));
        fixture.Pools.Maintain(_ => false);
        Assert.Equal(3, fixture.Pools.OpenServers);

        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        fixture.Pools.Maintain(_ => false);
        Assert.Equal(1, fixture.Pools.OpenServers);
    }

    [Fact]
    public async Task A_server_past_server_lifetime_is_closed_when_released()
    {
        var fixture = new PoolSetFixture(c => c with { ServerLifetime = TimeSpan.FromMinutes(10) });
        var pool = fixture.Pool();
        var server = await fixture.AcquireAsync(pool);

        fixture.Time.Advance(TimeSpan.FromMinutes(11));
        fixture.Pools.Release(server);

        Assert.Equal(0, fixture.Pools.OpenServers);
    }

    [Fact]
    public void Pools_below_min_pool_size_get_servers_reserved_when_login_is_possible()
    {
        var fixture = new PoolSetFixture(c => c with { DefaultPoolSize = 4, MinPoolSize = 2 });
        var pool = fixture.Pool();

        Assert.Empty(fixture.Pools.Maintain(_ => false));
        var reserved = fixture.Pools.Maintain(_ => true);

        Assert.Equal(2, reserved.Count);
        Assert.Equal(2, fixture.Snapshot(pool).ServersLogin);
    }
}
