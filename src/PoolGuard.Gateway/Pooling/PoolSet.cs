using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.Protocol.Errors;

namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// All pools and the caps they share. Two levels of locking, never held across I/O:
/// <list type="bullet">
/// <item>each <see cref="Pool.Lock"/> guards that pool's idle list, queue, counts and connection
/// states. Checking out an idle server, queueing behind a pool that is at its own size, and
/// handing a released server to the pool's next waiter or back to its idle list take only this.</item>
/// <item>this set's lock guards the caps shared between pools (open servers per database, per user
/// and in total) and the pool table. Opening and closing servers, and serving waiters that another
/// pool's capacity can help, take it first and then the pool locks they need — so a shared cap is
/// checked and taken in one step and can never be overshot by two pools racing.</item>
/// </list>
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

    // Servers forgotten by their pools whose backends may still be alive: counted in _open* too.
    private readonly Dictionary<string, int> _closingPerDatabase = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _closingPerUser = new(StringComparer.Ordinal);
    private int _closingTotal;

    /// <summary>Databases paused by PAUSE (PoolSet.Control); <see cref="_pausedAll"/> when PAUSE named none.</summary>
    private readonly HashSet<string> _pausedDatabases = new(StringComparer.Ordinal);
    private bool _pausedAll;

    /// <summary>
    /// Clients queued in any pool (changed with Interlocked, read without a lock). While it is
    /// zero a released server can go idle under its pool's lock alone: nobody elsewhere could use it.
    /// </summary>
    private int _waitingClients;
    private PoolGuardConfig _config;

    public PoolSet(PoolGuardConfig config, TimeProvider time, EventLog events, RefusalEpisodes? refusals = null)
    {
        _config = config;
        _time = time;
        _events = events;
        Refusals = refusals ?? new RefusalEpisodes(events, time);
        _waitEnded = OnWaitEnded;
        _serverGone = OnServerGone;
    }

    private readonly Action<ServerConnection> _serverGone;

    /// <summary>Refusals of a full queue are reported per episode here (and max_client_conn's by the listener).</summary>
    public RefusalEpisodes Refusals { get; }

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
                pool = new Pool(key, database, user, _config) { Paused = IsPausedUnlocked(key.Database) };
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
                using var _ = pool.Lock.EnterScope();
                var maxWait = pool.Waiters.First is { } first ? _time.GetElapsedTime(first.Value.EnqueuedAt, now) : TimeSpan.Zero;
                result.Add(new PoolSnapshot(pool.Key,
                    pool.ClientsIn(ClientState.Active), pool.ClientsIn(ClientState.Waiting),
                    pool.ServersIn(ServerState.Active), pool.ServersIn(ServerState.Idle),
                    pool.ServersIn(ServerState.Used), pool.ServersIn(ServerState.Login),
                    pool.PoolSize, maxWait, pool.Mode));
            }
            return result;
        }
    }

    public void SetClientState(Pool pool, ClientSlot client, ClientState next)
    {
        lock (pool.Lock)
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
        Waiter? waiter = null;
        lock (pool.Lock)
        {
            if (!pool.Paused && TakeIdle(pool) is { } idle)
            {
                MoveClient(pool, client, ClientState.Active);
                return ValueTask.FromResult(idle);
            }
            // A pool at its own size cannot open a server whatever the shared caps say, so its
            // queue is its own business: only its own releases can serve it. A paused pool queues everyone.
            if (pool.Paused || pool.OpenServers >= pool.PoolSize)
            {
                Interlocked.Increment(ref _waitingClients);
                waiter = Enqueue(pool, client);
            }
        }
        if (waiter is null)
        {
            lock (_lock)
            {
                lock (pool.Lock)
                {
                    // Counted before other pools are searched for an idle server to close: a release
                    // there either happens before the search (which then finds its server) or sees
                    // this count and goes through Dispatch. Either way this client is not forgotten.
                    Interlocked.Increment(ref _waitingClients);
                    if (!pool.Paused && TakeOrReserve(pool) is { } server)
                    {
                        Interlocked.Decrement(ref _waitingClients);
                        MoveClient(pool, client, ClientState.Active);
                        return ValueTask.FromResult(server);
                    }
                    waiter = Enqueue(pool, client);
                }
            }
        }
        return waiter.Await(_time, _config.QueryWaitTimeout, _waitEnded, cancellationToken);
    }

    /// <summary>Under the pool's lock, with the client already counted in <see cref="_waitingClients"/>: queues it or refuses it.</summary>
    private Waiter Enqueue(Pool pool, ClientSlot client)
    {
        var limit = _config.MaxWaitingClients;
        if (limit > 0 && pool.Waiters.Count >= limit)
        {
            Interlocked.Decrement(ref _waitingClients);
            Refusals.Refused(pool.Name, "max_waiting_clients", $"wait queue full: max_waiting_clients ({limit}) reached",
                new Dictionary<string, long> { ["max_waiting_clients"] = limit, ["servers_open"] = pool.OpenServers, ["pool_size"] = pool.PoolSize });
            throw new PoolRefusedException(PgError.Fatal(SqlState.TooManyConnections,
                $"too many clients waiting for pool {pool.Key}: max_waiting_clients ({limit}) reached",
                $"all {pool.OpenServers} servers of the pool are busy; raise pool_size or max_waiting_clients, or reduce the application's concurrency"))
            {
                QueueFull = true,
            };
        }

        var waiter = client.Waiter ??= new Waiter(client);
        var now = _time.GetTimestamp();
        waiter.Begin(pool, now);
        pool.Waiters.AddLast(waiter.Node);
        MoveClient(pool, client, ClientState.Waiting);
        if (pool.Saturation.OnQueued(now, pool.Waiters.Count))
        {
            _events.Publish(GatewayEventKind.PoolSaturated, pool.Name,
                pool.Paused ? "pool paused (PAUSE or KILL), clients queueing until RESUME" : $"all {pool.OpenServers} of {pool.PoolSize} servers busy, clients queueing",
                new Dictionary<string, long> { ["servers_open"] = pool.OpenServers, ["pool_size"] = pool.PoolSize, ["clients_active"] = pool.ClientsIn(ClientState.Active) });
        }
        return waiter;
    }

    /// <summary>A wait's timer fired or its client gave up: unless it was granted meanwhile, it fails.</summary>
    private void OnWaitEnded(Waiter waiter, bool cancelled)
    {
        if (waiter.Pool is not { } pool)
        {
            return;
        }
        lock (pool.Lock)
        {
            if (waiter.Node.List is null)
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
            Dequeue(pool, waiter, ClientState.Login, timedOut: !cancelled);
            if (cancelled)
            {
                waiter.Fail(new OperationCanceledException("the client stopped waiting"));
            }
            else
            {
                _events.Publish(GatewayEventKind.WaitTimeout, pool.Name, $"client waited query_wait_timeout ({timeout.TotalSeconds:0.###} s) without getting a server",
                    new Dictionary<string, long>
                    {
                        ["query_wait_timeout_ms"] = (long)timeout.TotalMilliseconds, ["waiting"] = pool.Waiters.Count,
                        ["servers_open"] = pool.OpenServers, ["pool_size"] = pool.PoolSize,
                    });
                waiter.Fail(new PoolRefusedException(PgError.Fatal(SqlState.ProtocolViolation,
                    $"query_wait_timeout: no server connection became free in pool {pool.Key} within {timeout.TotalSeconds:0.###} s",
                    $"all {pool.OpenServers} of {pool.PoolSize} servers are busy; raise pool_size or query_wait_timeout, or look for slow queries holding servers")));
            }
        }
        waiter.Deliver();
    }

    /// <summary>Under the pool's lock: takes a waiter out of the queue into <paramref name="next"/>.</summary>
    private void Dequeue(Pool pool, Waiter waiter, ClientState next, bool timedOut = false)
    {
        pool.Waiters.Remove(waiter.Node);
        Interlocked.Decrement(ref _waitingClients);
        MoveClient(pool, waiter.Client, next);
        var now = _time.GetTimestamp();
        pool.Saturation.OnDequeued(now, _time.GetElapsedTime(waiter.EnqueuedAt, now), pool.Waiters.Count, timedOut);
    }

    /// <summary>Under the pool's lock: reports the end of a saturation episode once the queue has stayed empty long enough.</summary>
    private void NoteRecovery(Pool pool, long now)
    {
        var episode = pool.Saturation;
        if (!episode.TryEnd(_time, now, pool.Waiters.Count, out var length))
        {
            return;
        }
        _events.Publish(GatewayEventKind.PoolRecovered, pool.Name,
            $"no clients waiting since {length.TotalSeconds:0.###} s after saturation began; at worst {episode.PeakWaiting} waiting, longest wait {episode.LongestWait.TotalMilliseconds:0} ms, {episode.Timeouts} timed out",
            new Dictionary<string, long>
            {
                ["saturated_ms"] = (long)length.TotalMilliseconds,
                ["peak_waiting"] = episode.PeakWaiting,
                ["longest_wait_ms"] = (long)episode.LongestWait.TotalMilliseconds,
                ["wait_timeouts"] = episode.Timeouts,
            });
    }

    /// <summary>Under the pool's lock: the first waiter gets <paramref name="server"/>, delivered once the locks are released.</summary>
    private void GrantFirst(Pool pool, ServerConnection server)
    {
        var first = pool.Waiters.First!.Value;
        Dequeue(pool, first, ClientState.Active);
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

    /// <summary>Under the pool's lock.</summary>
    private static void MoveClient(Pool pool, ClientSlot client, ClientState next)
    {
        pool.CountClient(client.State, next);
        client.State = next;
    }
}
