namespace PoolGuard.Gateway.Pooling;

/// <summary>The admin console's levers on pools: PAUSE, RESUME, RECONNECT (each for one database or all).</summary>
internal sealed partial class PoolSet
{
    /// <summary>
    /// From now on, pools of <paramref name="database"/> (null = every database) hand out no server:
    /// clients queue, idle servers close now and busy ones as they are released. Pools made later
    /// for the database start paused too.
    /// </summary>
    public void Pause(string? database)
    {
        var toClose = new List<ServerConnection>();
        lock (_lock)
        {
            if (database is null)
            {
                _pausedAll = true;
            }
            else
            {
                _pausedDatabases.Add(database);
            }
            foreach (var pool in PoolsOf(database))
            {
                lock (pool.Lock)
                {
                    pool.Paused = true;
                    while (pool.Idle.First is { } idle)
                    {
                        Forget(idle.Value);
                        toClose.Add(idle.Value);
                    }
                }
            }
        }
        foreach (var server in toClose)
        {
            ServerCloser.CloseGracefully(server, _serverGone);
        }
    }

    /// <summary>Lifts PAUSE/KILL for <paramref name="database"/> (null = all) and serves the queued clients at once.</summary>
    public void Resume(string? database)
    {
        lock (_lock)
        {
            if (database is null)
            {
                _pausedAll = false;
                _pausedDatabases.Clear();
            }
            else
            {
                _pausedDatabases.Remove(database);
            }
            foreach (var pool in _pools.Values)
            {
                lock (pool.Lock)
                {
                    pool.Paused = IsPausedUnlocked(pool.Key.Database);
                }
            }
            Dispatch();
        }
        DeliverGrants();
    }

    /// <summary>Databases paused by name, and whether everything is (SHOW DATABASES / SHOW STATE).</summary>
    public bool IsPaused(string database)
    {
        lock (_lock)
        {
            return IsPausedUnlocked(database);
        }
    }

    public bool AllPaused
    {
        get { lock (_lock) { return _pausedAll; } }
    }

    private bool IsPausedUnlocked(string database) => _pausedAll || _pausedDatabases.Contains(database);

    /// <summary>Servers open (any state) in pools of <paramref name="database"/> (null = all): PAUSE is done when this is 0.</summary>
    public int OpenServersOf(string? database)
    {
        lock (_lock)
        {
            var open = 0;
            foreach (var pool in PoolsOf(database))
            {
                lock (pool.Lock)
                {
                    open += pool.OpenServers;
                }
            }
            return open;
        }
    }

    /// <summary>Closes the idle servers RECONNECT marked; busy ones close when released (<see cref="MustClose"/>).</summary>
    public void CloseIdleMarked()
    {
        var toClose = new List<ServerConnection>();
        lock (_lock)
        {
            foreach (var pool in _pools.Values)
            {
                lock (pool.Lock)
                {
                    for (var node = pool.Idle.First; node is not null;)
                    {
                        var next = node.Next;
                        if (node.Value.CloseNeeded)
                        {
                            Forget(node.Value);
                            toClose.Add(node.Value);
                        }
                        node = next;
                    }
                }
            }
            if (toClose.Count > 0)
            {
                Dispatch();
            }
        }
        DeliverGrants();
        foreach (var server in toClose)
        {
            ServerCloser.CloseGracefully(server, _serverGone);
        }
    }

    private IEnumerable<Pool> PoolsOf(string? database) =>
        database is null ? _pools.Values : _pools.Values.Where(p => p.Key.Database == database);
}
