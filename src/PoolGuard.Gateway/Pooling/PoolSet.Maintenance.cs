using PoolGuard.Gateway.Events;

namespace PoolGuard.Gateway.Pooling;

/// <summary>Periodic upkeep: servers that died while idle, idle and lifetime limits, min_pool_size.</summary>
internal sealed partial class PoolSet
{
    /// <summary>
    /// Closes idle servers that died (ServerIdleWatch), past server_idle_timeout (keeping min_pool_size) or server_lifetime,
    /// reserves new servers for pools below min_pool_size, and ends saturation episodes that are over. Returns the reserved servers; the caller
    /// connects them and then calls <see cref="Release"/>, or <see cref="Close"/> on failure.
    /// </summary>
    public List<ServerConnection> Maintain(Func<Pool, bool> canLogIn)
    {
        var toClose = new List<ServerConnection>();
        var toOpen = new List<ServerConnection>();
        List<ServerConnection>? died = null;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var idleTimeout = _config.ServerIdleTimeout;
            foreach (var pool in _pools.Values)
            {
                using var _ = pool.Lock.EnterScope();
                NoteRecovery(pool, now);
                for (var node = pool.Idle.Last; node is not null;)
                {
                    var previous = node.Previous;
                    var server = node.Value;
                    var idleTooLong = idleTimeout > TimeSpan.Zero
                        && _time.GetElapsedTime(server.LastUsedAt, now) >= idleTimeout
                        && pool.OpenServers > pool.MinPoolSize;
                    var shrunk = pool.OpenServers > pool.PoolSize;
                    var dead = server.IdleWatch.SawInput;
                    if (dead)
                    {
                        (died ??= []).Add(server);
                    }
                    if (dead || idleTooLong || shrunk || IsPastLifetime(server, now))
                    {
                        Forget(server);
                        toClose.Add(server);
                    }
                    node = previous;
                }
                while (!pool.Paused && pool.OpenServers < pool.MinPoolSize && CanOpen(pool) && canLogIn(pool))
                {
                    toOpen.Add(Reserve(pool));
                }
            }
            TrimToSharedCaps(toClose);
            if (toClose.Count > 0)
            {
                Dispatch();
            }
        }
        DeliverGrants();
        foreach (var server in died ?? [])
        {
            _events.Publish(GatewayEventKind.ServerLost, server.Pool.Name,
                $"{server} spoke or closed while idle in the pool (terminated, or PostgreSQL went away); closed");
        }
        foreach (var server in toClose)
        {
            ServerCloser.CloseGracefully(server, _serverGone);
        }
        return toOpen;
    }


    /// <summary>Closes every idle server (shutdown).</summary>
    public void CloseIdle()
    {
        var toClose = new List<ServerConnection>();
        lock (_lock)
        {
            foreach (var pool in _pools.Values)
            {
                using var _ = pool.Lock.EnterScope();
                while (pool.Idle.First is { } node)
                {
                    Forget(node.Value);
                    toClose.Add(node.Value);
                }
            }
        }
        foreach (var server in toClose)
        {
            ServerCloser.CloseGracefully(server, _serverGone);
        }
    }
}
