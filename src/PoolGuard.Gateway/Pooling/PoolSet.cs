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
        _waitEnded = OnWaitEnded;
    }

    private readonly Action<Waiter, bool> _waitEnded;

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
    /// Allocates nothing, waiting or not: transaction pooling comes here once per transaction.
    /// </summary>
    public ValueTask<ServerConnection> AcquireAsync(Pool pool, ClientSlot client, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            var server = TakeOrReserve(pool);
            if (server is not null)
            {
                MoveClient(pool, client, ClientState.Active);
                return ValueTask.FromResult(server);
            }

            var limit = _config.MaxWaitingClients;
            if (limit > 0 && pool.Waiters.Count >= limit)
            {
                _events.Publish(GatewayEventKind.ClientRefused, pool.Name, $"wait queue full ({limit} waiting)");
                throw new PoolRefusedException(PgError.Fatal(SqlState.TooManyConnections,
                    $"too many clients waiting for pool {pool.Key}: max_waiting_clients ({limit}) reached",
                    $"all {pool.OpenServers} servers of the pool are busy; raise pool_size or max_waiting_clients, or reduce the application's concurrency"));
            }

            waiter = client.Waiter ??= new Waiter(client);
            waiter.Begin(pool, _time.GetTimestamp());
            pool.Waiters.AddLast(waiter.Node);
            MoveClient(pool, client, ClientState.Waiting);
            if (pool.Waiters.Count == 1)
            {
                _events.Publish(GatewayEventKind.PoolSaturated, pool.Name, $"{pool.OpenServers} of {pool.PoolSize} servers busy, clients queueing");
            }
        }
        return waiter.Await(_time, _config.QueryWaitTimeout, _waitEnded, cancellationToken);
    }

    /// <summary>A wait's timer fired or its client gave up: unless it was granted meanwhile, it fails.</summary>
    private void OnWaitEnded(Waiter waiter, bool cancelled)
    {
        lock (_lock)
        {
            if (waiter.Node.List is null || waiter.Pool is not { } pool)
            {
                return; // granted (or ended) already
            }
            var timeout = _config.QueryWaitTimeout;
            if (!cancelled)
            {
                var waited = _time.GetElapsedTime(waiter.EnqueuedAt);
                if (waited < timeout)
                {
                    waiter.Rearm(timeout - waited);
                    return;
                }
            }
            pool.Waiters.Remove(waiter.Node);
            MoveClient(pool, waiter.Client, ClientState.Login);
            NoteQueueDrained(pool);
            if (cancelled)
            {
                waiter.Fail(new OperationCanceledException("the client stopped waiting"));
            }
            else
            {
                _events.Publish(GatewayEventKind.WaitTimeout, pool.Name, $"client waited {timeout.TotalSeconds:0.###} s");
                waiter.Fail(new PoolRefusedException(PgError.Fatal(SqlState.ProtocolViolation,
                    $"query_wait_timeout: no server connection became free in pool {pool.Key} within {timeout.TotalSeconds:0.###} s",
                    $"all {pool.OpenServers} of {pool.PoolSize} servers are busy; raise pool_size or query_wait_timeout, or look for slow queries holding servers")));
            }
        }
        waiter.Deliver();
    }

    /// <summary>Under the lock: the first waiter gets <paramref name="server"/>, delivered once the lock is released.</summary>
    private void GrantFirst(Pool pool, ServerConnection server)
    {
        var first = pool.Waiters.First!.Value;
        pool.Waiters.RemoveFirst();
        MoveClient(pool, first.Client, ClientState.Active);
        NoteQueueDrained(pool);
        first.Grant(server);
        (t_grants ??= []).Add(first);
    }

    /// <summary>Grants this thread made under the lock; delivered right after it, on this thread.</summary>
    [ThreadStatic]
    private static List<Waiter>? t_grants;

    /// <summary>
    /// Resumes the clients granted servers by this thread. A resumed client may release or close a
    /// server on this same thread and so add grants while this runs: taking one at a time from the
    /// end keeps that safe.
    /// </summary>
    private static void DeliverGrants()
    {
        var grants = t_grants;
        if (grants is null)
        {
            return;
        }
        while (grants.Count > 0)
        {
            var waiter = grants[^1];
            grants.RemoveAt(grants.Count - 1);
            waiter.Deliver();
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
            _events.Publish(GatewayEventKind.PoolRecovered, pool.Name, "no clients waiting");
        }
    }
}
