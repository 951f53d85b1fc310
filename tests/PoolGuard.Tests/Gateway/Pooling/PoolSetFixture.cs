using Microsoft.Extensions.Time.Testing;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Pooling;

namespace PoolGuard.Tests.Gateway.Pooling;

/// <summary>
/// A PoolSet with fake time and servers that have no socket: "connecting" a reserved server is
/// MarkLoggedIn. Enough to prove the counting, the caps and the queue without PostgreSQL.
/// </summary>
internal sealed class PoolSetFixture
{
    public PoolSetFixture(Func<PoolGuardConfig, PoolGuardConfig>? customize = null)
    {
        var config = new PoolGuardConfig
        {
            DefaultPoolSize = 2,
            QueryWaitTimeout = TimeSpan.FromSeconds(5),
            Databases = new Dictionary<string, DatabaseEntry>
            {
                ["app"] = new() { Name = "app" },
                ["other"] = new() { Name = "other" },
            },
        };
        Config = customize is null ? config : customize(config);
        Events = new EventLog(Time);
        Pools = new PoolSet(Config, Time, Events);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    public PoolGuardConfig Config { get; }
    public EventLog Events { get; }
    public PoolSet Pools { get; }

    public Pool Pool(string database = "app", string user = "alice") =>
        Pools.GetOrCreate(new PoolKey(database, user), Config.Databases[database], null);

    /// <summary>Acquires and, when a new server was reserved, "logs it in".</summary>
    public async Task<ServerConnection> AcquireAsync(Pool pool, ClientSlot? client = null, CancellationToken cancellationToken = default)
    {
        var server = await Pools.AcquireAsync(pool, client ?? new ClientSlot(), cancellationToken);
        if (server.State == ServerState.Login)
        {
            Pools.MarkLoggedIn(server);
        }
        return server;
    }

    public PoolSnapshot Snapshot(Pool pool) => Pools.Snapshot().Single(s => s.Key == pool.Key);
}
