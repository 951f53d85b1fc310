using System.Threading.Tasks.Sources;

namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// A client's place in a pool's queue, reused for every wait of that client (transaction pooling
/// waits once per transaction, so nothing here may allocate per wait): the awaited value, the
/// query_wait_timeout timer and the cancellation hook are all made once. Granted a server (ready or
/// still to connect) or failed; which one happens is decided under the pool's lock, and the
/// waiting client is resumed only after that lock is released, on the granting thread — no hop
/// through the thread pool's queue on the busiest path of a saturated pool.
/// </summary>
internal sealed class Waiter : IValueTaskSource<ServerConnection>
{
    private ManualResetValueTaskSourceCore<ServerConnection> _core;
    private ITimer? _timer;
    private CancellationTokenRegistration _cancellation;

    public Waiter(ClientSlot client)
    {
        Client = client;
        Node = new LinkedListNode<Waiter>(this);
    }

    public ClientSlot Client { get; }

    public LinkedListNode<Waiter> Node { get; }

    /// <summary>When the current wait began (the gateway's TimeProvider).</summary>
    public long EnqueuedAt { get; private set; }

    /// <summary>The pool the current wait is for.</summary>
    public Pool? Pool { get; private set; }

    /// <summary>Decided under the lock, delivered after it.</summary>
    private ServerConnection? _granted;
    private Exception? _failure;

    /// <summary>Starts a wait (under the lock).</summary>
    public void Begin(Pool pool, long now)
    {
        _core.Reset();
        Pool = pool;
        EnqueuedAt = now;
        _granted = null;
        _failure = null;
    }

    /// <summary>
    /// Arms the timeout and the cancellation (outside the lock) and returns the wait.
    /// <paramref name="ended"/> is called with false when the timer fires, true on cancellation.
    /// </summary>
    public ValueTask<ServerConnection> Await(TimeProvider time, TimeSpan timeout, Action<Waiter, bool> ended, CancellationToken cancellationToken)
    {
        var version = _core.Version;
        _ended = ended;
        if (timeout > TimeSpan.Zero && Interlocked.CompareExchange(ref _timerArmed, 1, 0) == 0)
        {
            // Armed once and left running across waits: a wait that ends early leaves the timer to
            // fire later, find nothing (or a newer wait not yet due) and re-arm. Changing a timer
            // twice per wait would take the runtime's timer lock twice per transaction.
            _timer ??= time.CreateTimer(static state => ((Waiter)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
        }
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static state => ((Waiter)state!).OnCancel(), this);
        }
        return new ValueTask<ServerConnection>(this, version);
    }

    private Action<Waiter, bool>? _ended;

    private int _timerArmed;

    private void OnTimer()
    {
        Volatile.Write(ref _timerArmed, 0);
        _ended?.Invoke(this, false);
    }

    private void OnCancel() => _ended?.Invoke(this, true);

    /// <summary>The timer fired early or for an older wait: wait out the rest.</summary>
    public void Rearm(TimeSpan remaining)
    {
        if (Interlocked.CompareExchange(ref _timerArmed, 1, 0) == 0)
        {
            _timer?.Change(remaining, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Under the lock: this wait gets <paramref name="server"/>.</summary>
    public void Grant(ServerConnection server) => _granted = server;

    /// <summary>Under the lock: this wait ends with <paramref name="failure"/>.</summary>
    public void Fail(Exception failure) => _failure = failure;

    /// <summary>Outside the lock: resumes the waiting client with what was decided.</summary>
    public void Deliver()
    {
        if (_failure is { } failure)
        {
            _core.SetException(failure);
        }
        else
        {
            _core.SetResult(_granted!);
        }
    }

    public ServerConnection GetResult(short token)
    {
        _cancellation.Dispose();
        _cancellation = default;
        return _core.GetResult(token);
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
