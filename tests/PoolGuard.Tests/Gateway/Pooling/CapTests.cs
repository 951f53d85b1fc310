using PoolGuard.Config.Model;
using PoolGuard.Gateway.Pooling;

namespace PoolGuard.Tests.Gateway.Pooling;

public sealed class CapTests
{
    [Fact]
    public async Task The_global_cap_holds_across_pools_even_when_each_pool_has_room()
    {
        var fixture = new PoolSetFixture(c => c with { DefaultPoolSize = 10, MaxServerConnections = 3 });
        var app = fixture.Pool("app");
        var other = fixture.Pool("other");
        await fixture.AcquireAsync(app);
        await fixture.AcquireAsync(app);
        await fixture.AcquireAsync(other);

        var blocked = fixture.AcquireAsync(other);
        await Task.Delay(50);

        Assert.False(blocked.IsCompleted);
        Assert.Equal(3, fixture.Pools.OpenServers);
    }

    [Fact]
    public async Task Max_db_connections_caps_all_users_of_a_database_together()
    {
        var fixture = new PoolSetFixture(c => c with { DefaultPoolSize = 10, MaxDbConnections = 2 });
        await fixture.AcquireAsync(fixture.Pool("app", "alice"));
        await fixture.AcquireAsync(fixture.Pool("app", "bob"));

        var blocked = fixture.AcquireAsync(fixture.Pool("app", "carol"));
        var otherDatabase = await fixture.AcquireAsync(fixture.Pool("other", "carol")).WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(50);

        Assert.False(blocked.IsCompleted);
        Assert.NotNull(otherDatabase);
    }

    [Fact]
    public async Task Max_user_connections_caps_a_user_across_databases()
    {
        var fixture = new PoolSetFixture(c => c with
        {
            DefaultPoolSize = 10,
            Users = new Dictionary<string, UserEntry> { ["alice"] = new() { Name = "alice", MaxUserConnections = 1 } },
        });
        await fixture.AcquireAsync(fixture.Pools.GetOrCreate(new PoolKey("app", "alice"), fixture.Config.Databases["app"], fixture.Config.Users["alice"]));

        var blocked = fixture.AcquireAsync(fixture.Pools.GetOrCreate(new PoolKey("other", "alice"), fixture.Config.Databases["other"], fixture.Config.Users["alice"]));
        await Task.Delay(50);

        Assert.False(blocked.IsCompleted);
    }

    [Fact]
    public async Task An_idle_server_of_another_pool_is_closed_to_make_room_under_a_shared_cap()
    {
        var fixture = new PoolSetFixture(c => c with { DefaultPoolSize = 5, MaxServerConnections = 2 });
        var app = fixture.Pool("app");
        var other = fixture.Pool("other");
        fixture.Pools.Release(await fixture.AcquireAsync(app));
        fixture.Pools.Release(await fixture.AcquireAsync(app));

        var server = await fixture.AcquireAsync(other).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Same(other, server.Pool);
        Assert.Equal(2, fixture.Pools.OpenServers);
        Assert.Equal(1, fixture.Snapshot(app).ServersIdle);
    }

    [Fact]
    public async Task A_client_queued_on_a_shared_cap_is_served_when_another_pool_releases_a_server()
    {
        var fixture = new PoolSetFixture(c => c with { DefaultPoolSize = 5, MaxServerConnections = 2 });
        var app = fixture.Pool("app");
        var other = fixture.Pool("other");
        var first = await fixture.AcquireAsync(app);
        await fixture.AcquireAsync(app);
        var queued = fixture.AcquireAsync(other);
        await Task.Delay(20);
        Assert.False(queued.IsCompleted);

        // The release happens under app's lock alone unless it notices the client queued elsewhere.
        fixture.Pools.Release(first);
        var server = await queued.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Same(other, server.Pool);
        Assert.Equal(2, fixture.Pools.OpenServers);
        Assert.Equal(0, fixture.Snapshot(app).ServersIdle);
    }

    [Fact]
    public async Task A_connection_storm_never_opens_more_servers_than_the_global_cap()
    {
        const int cap = 7;
        var fixture = new PoolSetFixture(c => c with { DefaultPoolSize = 5, MaxServerConnections = cap, QueryWaitTimeout = TimeSpan.Zero });
        var pools = new[] { fixture.Pool("app", "a"), fixture.Pool("app", "b"), fixture.Pool("other", "a"), fixture.Pool("other", "c") };
        var maxOpen = 0;
        var random = new Random(42);
        var delays = Enumerable.Range(0, 400).Select(_ => random.Next(0, 3)).ToArray();

        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
        {
            var server = await fixture.AcquireAsync(pools[i % pools.Length]);
            InterlockedMax(ref maxOpen, fixture.Pools.OpenServers);
            await Task.Delay(delays[i]);
            if (i % 5 == 0)
            {
                fixture.Pools.Close(server);
            }
            else
            {
                fixture.Pools.Release(server);
            }
        }))).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.InRange(maxOpen, 1, cap);
        Assert.All(fixture.Pools.Snapshot(), s => Assert.Equal(0, s.ClientsWaiting + s.ServersActive + s.ServersLogin));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
