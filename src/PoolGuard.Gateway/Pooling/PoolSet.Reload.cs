using PoolGuard.Config.Model;

namespace PoolGuard.Gateway.Pooling;

/// <summary>Applying a reloaded configuration to pools that are in use.</summary>
internal sealed partial class PoolSet
{
    /// <summary>
    /// Puts <paramref name="config"/> in force for every pool at once. Pools that shrank close idle
    /// servers now and busy ones as they are released (no client is interrupted); caps that shrank do
    /// the same through <see cref="TrimToSharedCaps"/>, here and at each upkeep tick; pools that grew
    /// serve their waiters at once.
    /// </summary>
    public void Reconfigure(PoolGuardConfig config)
    {
        var toClose = new List<ServerConnection>();
        lock (_lock)
        {
            _config = config;
            foreach (var pool in _pools.Values)
            {
                lock (pool.Lock)
                {
                    pool.Configure(config);
                    while (pool.OpenServers > pool.PoolSize && pool.Idle.Last is { } oldest)
                    {
                        Forget(oldest.Value);
                        toClose.Add(oldest.Value);
                    }
                }
            }
            TrimToSharedCaps(toClose);
            Dispatch();
        }
        DeliverGrants();
        foreach (var server in toClose)
        {
            ServerCloser.CloseGracefully(server, _serverGone);
        }
    }

    /// <summary>
    /// Under this set's lock: while a shared cap (per database, per user, global) is exceeded — only
    /// after it was lowered — closes idle servers under it, least recently used first. Busy servers
    /// are left to finish; they are trimmed once idle.
    /// </summary>
    private void TrimToSharedCaps(List<ServerConnection> toClose)
    {
        while (FindOverCapIdle() is { } victim)
        {
            lock (victim.Pool.Lock)
            {
                Forget(victim);
            }
            toClose.Add(victim);
        }
    }

    private ServerConnection? FindOverCapIdle()
    {
        // Servers already closing are on their way out: only the rest count as over a cap.
        var globalOver = _config.MaxServerConnections > 0 && _openTotal - _closingTotal > _config.MaxServerConnections;
        ServerConnection? victim = null;
        foreach (var pool in _pools.Values)
        {
            var over = globalOver
                || (pool.DatabaseCap > 0 && Count(_openPerDatabase, pool.Key.Database) - Count(_closingPerDatabase, pool.Key.Database) > pool.DatabaseCap)
                || (pool.UserCap > 0 && Count(_openPerUser, pool.ServerUser) - Count(_closingPerUser, pool.ServerUser) > pool.UserCap);
            if (!over)
            {
                continue;
            }
            lock (pool.Lock)
            {
                if (pool.Idle.Last is { } oldest && (victim is null || oldest.Value.LastUsedAt < victim.LastUsedAt))
                {
                    victim = oldest.Value;
                }
            }
        }
        return victim;
    }
}
