using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.Protocol.Errors;

namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// All pools and the caps they share. One short lock guards every count, list and state, so a
/// cap can never be overshot by two pools racing: checking a cap and taking the slot is one step.
/// Nothing inside the lock waits on I/O; sockets are opened, reset and closed outside it.
/// </summary>
internal sealed partial class PoolSet
{
    private readonly Lock _lock = new();
    private readonly Dictionary<PoolKey, Pool> _pools = [];
    private readonly Dictionary<string, int> _openPerDatabase = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _openPerUser = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly EventLog _events;
    private int _openTotal;
    private int _waitingClients;
    private PoolGuardConfig _config;

    public PoolSet(PoolGuardConfig config, TimeProvider time, EventLog events)
    {
        _config = config;
        _time = time;
        _events = events;
    }

    /// <summary>Servers open (any state but Closed) over the whole gateway.</summary>
    public int OpenServers
    {
        get { lock (_lock) { return _openTotal; } }
    }

    public Pool GetOrCreate(PoolKey key, DatabaseEntry database, UserEntry? user)
    {
        lock (_lock)
        {
            if (!_pools.TryGetValue(key, out var pool))
            {
                pool = new Pool(key, database, user, _config);
                _pools.Add(key, pool);
            }
            return pool;
        }
    }

    public IReadOnlyList<PoolSnapshot> Snapshot()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var result = new List<PoolSnapshot>(_pools.Count);
            foreach (var pool in _pools.Values)
            {
                var maxWait = pool.Waiters.First is { } first ? _time.GetElapsedTime(first.Value.EnqueuedAt, now) : TimeSpan.Zero;
                result.Add(new PoolSnapshot(pool.Key,
                    pool.ClientsIn(ClientState.Active), pool.ClientsIn(ClientState.Waiting),
                    pool.ServersIn(ServerState.Active), pool.ServersIn(ServerState.Idle),
                    pool.ServersIn(ServerState.Used), pool.ServersIn(ServerState.Login),
                    pool.PoolSize, maxWait));
            }
            return result;
        }
    }

    public void SetClientState(Pool pool, ClientSlot client, ClientState next)
    {
        lock (_lock)
        {
            MoveClient(pool, client, next);
        }
    }

    /// <summary>
    /// Gets a server for a client: an idle one, or the right to open a new one (a server in Login
    /// state, already counted against every cap, that the caller must connect), or a place in the
    /// queue. Throws <see cref="PoolRefusedException"/> when the queue is full or the wait too long.
    /// </summary>
    public async ValueTask<ServerConnection> AcquireAsync(Pool pool, ClientSlot client, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            var server = TakeOrReserve(pool);
            if (server is not null)
            {
                MoveClient(pool, client, ClientState.Active);
                return server;
            }

            var limit = _config.MaxWaitingClients;
            if (limit > 0 && pool.Waiters.Count >= limit)
            {
                _events.Publish(GatewayEventKind.ClientRefused, pool.Key.ToString(), $"wait queue full ({limit} waiting)");
                throw new PoolRefusedException(PgError.Fatal(SqlState.TooManyConnections,
                    $"too many clients waiting for pool {pool.Key}: max_waiting_clients ({limit}) reached",
                    $"all {pool.OpenServers} servers of the pool are busy; raise pool_size or max_waiting_clients, or reduce the application's concurrency"));
            }

            waiter = new Waiter(client, _time.GetTimestamp());
            pool.Waiters.AddLast(waiter.Node);
            MoveClient(pool, client, ClientState.Waiting);
            if (pool.Waiters.Count == 1)
            {
                _events.Publish(GatewayEventKind.PoolSaturated, pool.Key.ToString(), $"{pool.OpenServers} of {pool.PoolSize} servers busy, clients queueing");
            }
        }

        return await WaitAsync(pool, client, waiter, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<ServerConnection> WaitAsync(Pool pool, ClientSlot client, Waiter waiter, CancellationToken cancellationToken)
    {
        var timeout = _config.QueryWaitTimeout;
        try
        {
            var task = waiter.Grant.Task;
            return timeout > TimeSpan.Zero
                ? await task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false)
                : await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            lock (_lock)
            {
                if (waiter.Node.List is not null)
                {
                    pool.Waiters.Remove(waiter.Node);
                    MoveClient(pool, client, ClientState.Login);
                    NoteQueueDrained(pool);
                    if (ex is OperationCanceledException)
                    {
                        throw;
                    }
                    _events.Publish(GatewayEventKind.WaitTimeout, pool.Key.ToString(), $"client waited {timeout.TotalSeconds:0.###} s");
                    throw new PoolRefusedException(PgError.Fatal(SqlState.ProtocolViolation,
                        $"query_wait_timeout: no server connection became free in pool {pool.Key} within {timeout.TotalSeconds:0.###} s",
                        $"all {pool.OpenServers} of {pool.PoolSize} servers are busy; raise pool_size or query_wait_timeout, or look for slow queries holding servers"));
                }
            }
            // Granted in the same instant the wait ended: the server is ours after all.
            var granted = await waiter.Grant.Task.ConfigureAwait(false);
            if (ex is OperationCanceledException)
            {
                ReturnUnused(granted);
                throw;
            }
            return granted;
        }
    }

    /// <summary>A granted server the client could not use (it left): back to the pool untouched.</summary>
    private void ReturnUnused(ServerConnection server)
    {
        if (server.Transport is null)
        {
            Close(server);
        }
        else
        {
            Release(server);
        }
    }

    private void MoveClient(Pool pool, ClientSlot client, ClientState next)
    {
        _waitingClients += (next == ClientState.Waiting ? 1 : 0) - (client.State == ClientState.Waiting ? 1 : 0);
        pool.CountClient(client.State, next);
        client.State = next;
    }

    private void NoteQueueDrained(Pool pool)
    {
        if (pool.Waiters.Count == 0)
        {
            _events.Publish(GatewayEventKind.PoolRecovered, pool.Key.ToString(), "no clients waiting");
        }
    }
}
