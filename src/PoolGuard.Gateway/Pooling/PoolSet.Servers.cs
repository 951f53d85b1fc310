using PoolGuard.Gateway.Events;

namespace PoolGuard.Gateway.Pooling;

/// <summary>Server bookkeeping: taking, reserving, releasing and closing, and handing servers to waiters.</summary>
internal sealed partial class PoolSet
{
    /// <summary>
    /// Returns a server to its pool after its client is done and it has been reset. A waiting client
    /// gets it at once; otherwise it goes idle, unless the pool has shrunk or the server is too old.
    /// The common cases — the pool's next waiter takes it, or nobody waits anywhere and it goes
    /// idle — take only the pool's lock.
    /// </summary>
    public void Release(ServerConnection server)
    {
        // Before the lock: it starts a (non-blocking) receive. Whoever takes the server next ends it.
        server.IdleWatch.Start(server.Transport);
        var pool = server.Pool;
        var done = false;
        lock (pool.Lock)
        {
            server.LastUsedAt = _time.GetTimestamp();
            if (!MustClose(pool, server))
            {
                if (pool.Waiters.First is not null)
                {
                    Transition(server, ServerState.Active);
                    GrantFirst(pool, server);
                    done = true;
                }
                else if (Volatile.Read(ref _waitingClients) == 0)
                {
                    Transition(server, ServerState.Idle);
                    pool.Idle.AddFirst(server.IdleNode);
                    done = true;
                }
            }
        }
        if (!done)
        {
            ReleaseAcrossPools(server);
        }
        DeliverGrants();
    }

    /// <summary>The release that touches shared caps: closing the server, or idling it where another pool's waiter may need it.</summary>
    private void ReleaseAcrossPools(ServerConnection server)
    {
        var pool = server.Pool;
        var close = false;
        lock (_lock)
        {
            lock (pool.Lock)
            {
                if (MustClose(pool, server))
                {
                    close = true;
                }
                else if (pool.Waiters.First is not null)
                {
                    Transition(server, ServerState.Active);
                    GrantFirst(pool, server);
                }
                else
                {
                    Transition(server, ServerState.Idle);
                    pool.Idle.AddFirst(server.IdleNode);
                }
            }
            if (!close)
            {
                // A free server here may be what a pool blocked on a shared cap needs.
                Dispatch();
            }
        }
        if (close)
        {
            Close(server);
        }
    }

    private bool MustClose(Pool pool, ServerConnection server) =>
        pool.Paused || server.CloseNeeded || pool.OpenServers > pool.PoolSize || IsPastLifetime(server, server.LastUsedAt);

    /// <summary>Marks a server in the Used state (its client left; reset under way).</summary>
    public void MarkUsed(ServerConnection server)
    {
        lock (server.Pool.Lock)
        {
            Transition(server, ServerState.Used);
        }
    }

    /// <summary>Stops counting a server and closes its socket; waiters may now open a new one.</summary>
    public void Close(ServerConnection server)
    {
        lock (_lock)
        {
            lock (server.Pool.Lock)
            {
                if (server.State == ServerState.Closed)
                {
                    return;
                }
                Forget(server);
            }
            Dispatch();
        }
        DeliverGrants();
        ServerCloser.CloseGracefully(server, _serverGone);
    }

    /// <summary>Under the pool's lock: the most recently used idle server, now Active; null when none.</summary>
    private static ServerConnection? TakeIdle(Pool pool)
    {
        if (pool.Idle.First is not { } idle)
        {
            return null;
        }
        pool.Idle.RemoveFirst();
        Transition(idle.Value, ServerState.Active);
        return idle.Value;
    }

    /// <summary>Under both locks: idle server or reserved new one, without waiting; null when the pool is at a cap.</summary>
    private ServerConnection? TakeOrReserve(Pool pool)
    {
        if (TakeIdle(pool) is { } idle)
        {
            return idle;
        }
        if (!CanOpen(pool) && !TryEvictForSharedCap(pool))
        {
            return null;
        }
        return Reserve(pool);
    }

    /// <summary>Under both locks: a new server counted against every cap before its socket exists, so caps hold during connect storms.</summary>
    private ServerConnection Reserve(Pool pool)
    {
        var server = new ServerConnection(pool, _time.GetTimestamp());
        pool.AddServer(ServerState.Login);
        _openTotal++;
        Increment(_openPerDatabase, pool.Key.Database);
        Increment(_openPerUser, pool.ServerUser);
        return server;
    }

    /// <summary>Moves a server that finished logging in to Active for the client that reserved it.</summary>
    public void MarkLoggedIn(ServerConnection server)
    {
        lock (server.Pool.Lock)
        {
            if (server.State == ServerState.Login)
            {
                Transition(server, ServerState.Active);
            }
        }
    }

    private bool CanOpen(Pool pool) =>
        pool.OpenServers < pool.PoolSize && SharedCapsAllow(pool);

    private bool SharedCapsAllow(Pool pool) =>
        (pool.DatabaseCap <= 0 || Count(_openPerDatabase, pool.Key.Database) < pool.DatabaseCap)
        && (pool.UserCap <= 0 || Count(_openPerUser, pool.ServerUser) < pool.UserCap)
        && (_config.MaxServerConnections <= 0 || _openTotal < _config.MaxServerConnections);

    /// <summary>
    /// When this pool is below its own size but a shared cap is full, an idle server of another pool
    /// under the same cap is closed to make room: idle capacity must not starve a busy pool.
    /// </summary>
    private bool TryEvictForSharedCap(Pool pool)
    {
        if (pool.OpenServers >= pool.PoolSize || SlotIsFreeing(pool))
        {
            return false;
        }
        ServerConnection? victim = null;
        foreach (var other in _pools.Values)
        {
            if (other == pool || !SharesBlockingCaps(pool, other))
            {
                continue;
            }
            lock (other.Lock)
            {
                if (other.Idle.Last is { } oldest && (victim is null || oldest.Value.LastUsedAt < victim.LastUsedAt))
                {
                    victim = oldest.Value;
                }
            }
        }
        if (victim is null)
        {
            return false;
        }
        lock (victim.Pool.Lock)
        {
            if (victim.IdleNode.List is null)
            {
                return false; // taken by its own pool meanwhile; the next release or close dispatches again
            }
            Forget(victim);
        }
        if (victim.Transport is null)
        {
            ReleaseSlot(victim); // no socket (unit tests' servers): nothing to wait for
        }
        else
        {
            // Its cap slot comes back on a pool thread once its backend has gone (OnServerGone).
            ServerCloser.CloseGracefully(victim, _serverGone);
        }
        return CanOpen(pool);
    }

    /// <summary>A server under a cap that blocks <paramref name="pool"/> is closing: its slot comes back soon, no need to close another.</summary>
    private bool SlotIsFreeing(Pool pool) =>
        (pool.DatabaseCap > 0 && Count(_closingPerDatabase, pool.Key.Database) > 0)
        || (pool.UserCap > 0 && Count(_closingPerUser, pool.ServerUser) > 0)
        || (_config.MaxServerConnections > 0 && _closingTotal > 0);

    private bool SharesBlockingCaps(Pool pool, Pool other)
    {
        var dbFull = pool.DatabaseCap > 0 && Count(_openPerDatabase, pool.Key.Database) >= pool.DatabaseCap;
        var userFull = pool.UserCap > 0 && Count(_openPerUser, pool.ServerUser) >= pool.UserCap;
        return (!dbFull || other.Key.Database == pool.Key.Database)
            && (!userFull || other.ServerUser == pool.ServerUser);
    }

    /// <summary>Under this set's lock (and no pool's): serves waiters of every pool that can now get an idle server or open one.</summary>
    private void Dispatch()
    {
        // Most releases happen with nobody waiting anywhere: then there is nothing to walk.
        if (Volatile.Read(ref _waitingClients) == 0)
        {
            return;
        }
        foreach (var pool in _pools.Values)
        {
            lock (pool.Lock)
            {
                while (!pool.Paused && pool.Waiters.First is not null)
                {
                    var server = TakeOrReserve(pool);
                    if (server is null)
                    {
                        break;
                    }
                    GrantFirst(pool, server);
                }
            }
        }
    }

    /// <summary>Under both locks: the server stops counting anywhere.</summary>
    /// <remarks>
    /// The pool stops counting it at once; the shared caps only when <see cref="ServerCloser"/> reports
    /// the connection gone (<see cref="OnServerGone"/>), so every Forget must be followed by CloseGracefully.
    /// </remarks>
    private void Forget(ServerConnection server)
    {
        var pool = server.Pool;
        if (server.IdleNode.List is not null)
        {
            pool.Idle.Remove(server.IdleNode);
        }
        pool.CountServer(server.State, ServerState.Closed);
        server.State = ServerState.Closed;
        _closingTotal++;
        Increment(_closingPerDatabase, pool.Key.Database);
        Increment(_closingPerUser, pool.ServerUser);
    }

    /// <summary>A closed server's backend is gone: its place under the shared caps is free for a waiter.</summary>
    private void OnServerGone(ServerConnection server)
    {
        lock (_lock)
        {
            ReleaseSlot(server);
            Dispatch();
        }
        DeliverGrants();
    }

    /// <summary>Under this set's lock: a forgotten server stops counting against the shared caps.</summary>
    private void ReleaseSlot(ServerConnection server)
    {
        var pool = server.Pool;
        _openTotal--;
        Decrement(_openPerDatabase, pool.Key.Database);
        Decrement(_openPerUser, pool.ServerUser);
        _closingTotal--;
        Decrement(_closingPerDatabase, pool.Key.Database);
        Decrement(_closingPerUser, pool.ServerUser);
    }

    private static void Transition(ServerConnection server, ServerState next)
    {
        server.Pool.CountServer(server.State, next);
        server.State = next;
    }

    private bool IsPastLifetime(ServerConnection server, long now) =>
        _config.ServerLifetime > TimeSpan.Zero && _time.GetElapsedTime(server.CreatedAt, now) >= _config.ServerLifetime;

    private static int Count(Dictionary<string, int> counts, string key) => counts.GetValueOrDefault(key);

    private static void Increment(Dictionary<string, int> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;

    private static void Decrement(Dictionary<string, int> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) - 1;

    internal void PublishServerFailure(Pool pool, GatewayEventKind kind, string detail) => _events.Publish(kind, pool.Name, detail);
}
