using PoolGuard.Config.Model;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Timeouts;

/// <summary>Which of a session's deadlines ran out.</summary>
internal enum TimeoutKind
{
    None,
    /// <summary>query_timeout: a request went unanswered too long; the server is asked to cancel it.</summary>
    Query,
    /// <summary>
    /// query_timeout passed and the cancel went unanswered for <see cref="SessionTimeouts.CancelGrace"/>
    /// (PostgreSQL frozen or unreachable): the server is closed and the client told.
    /// </summary>
    QueryUnanswered,
    /// <summary>idle_transaction_timeout: the client sat in an open transaction, holding a server.</summary>
    IdleInTransaction,
    /// <summary>client_idle_timeout: the client sent nothing for too long.</summary>
    ClientIdle,
}

/// <summary>
/// A session's query_timeout, idle_transaction_timeout and client_idle_timeout on one timer: at
/// any moment at most one applies (waiting for an answer, idle in a transaction, idle). Only
/// sessions with a timeout configured have one, so the default costs nothing on the hot path.
/// </summary>
internal sealed class SessionTimeouts : IDisposable
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly TimeSpan _query;
    private readonly TimeSpan _idleInTransaction;
    private readonly TimeSpan _clientIdle;
    private readonly Action<TimeoutKind> _expired;
    private TimeoutKind _armed;
    private long _deadline;
    private volatile bool _queryCancelled;

    private SessionTimeouts(PoolGuardConfig config, TimeProvider time, Action<TimeoutKind> expired)
    {
        _time = time;
        _query = config.QueryTimeout;
        _idleInTransaction = config.IdleTransactionTimeout;
        _clientIdle = config.ClientIdleTimeout;
        _expired = expired;
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Null when no timeout is configured.</summary>
    public static SessionTimeouts? Create(PoolGuardConfig config, TimeProvider time, Action<TimeoutKind> expired) =>
        config.QueryTimeout > TimeSpan.Zero || config.IdleTransactionTimeout > TimeSpan.Zero || config.ClientIdleTimeout > TimeSpan.Zero
            ? new SessionTimeouts(config, time, expired)
            : null;

    /// <summary>
    /// How long a cancelled query may take to end. A healthy PostgreSQL acts on a cancel within
    /// milliseconds; one that has not answered in this long is not reachable, and the client should
    /// hear so rather than wait out the outage.
    /// </summary>
    public static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(2);

    public TimeSpan Duration(TimeoutKind kind) => kind switch
    {
        TimeoutKind.Query => _query,
        TimeoutKind.QueryUnanswered => CancelGrace,
        TimeoutKind.IdleInTransaction => _idleInTransaction,
        TimeoutKind.ClientIdle => _clientIdle,
        _ => TimeSpan.Zero,
    };

    /// <summary>The setting behind a deadline, as the log names it.</summary>
    public static string SettingName(TimeoutKind kind) => kind switch
    {
        TimeoutKind.Query => "query_timeout",
        TimeoutKind.QueryUnanswered => "query_timeout (the cancel went unanswered)",
        TimeoutKind.IdleInTransaction => "idle_transaction_timeout",
        TimeoutKind.ClientIdle => "client_idle_timeout",
        _ => "no timeout",
    };

    /// <summary>The client sent something: idle deadlines end; a request now in flight starts the query deadline.</summary>
    public void OnClientData(bool requestsPending)
    {
        lock (_lock)
        {
            if (requestsPending && _armed is TimeoutKind.Query or TimeoutKind.QueryUnanswered)
            {
                return; // a pipelined request does not extend the one already running (or its cancel's grace)
            }
            Arm(requestsPending ? TimeoutKind.Query : TimeoutKind.None);
        }
    }

    /// <summary>A ReadyForQuery: the next request's deadline, or the idle one that fits the status.</summary>
    public void OnReadyForQuery(byte status, bool requestsPending)
    {
        _queryCancelled = false;
        lock (_lock)
        {
            Arm(requestsPending ? TimeoutKind.Query
                : status == TransactionStatus.Idle ? TimeoutKind.ClientIdle : TimeoutKind.IdleInTransaction);
        }
    }

    /// <summary>True once after query_timeout cancelled the running query: its error is the gateway's to word.</summary>
    public bool TakeQueryCancelled()
    {
        if (!_queryCancelled)
        {
            return false;
        }
        _queryCancelled = false;
        return true;
    }

    private void Arm(TimeoutKind kind)
    {
        var due = Duration(kind);
        if (due <= TimeSpan.Zero)
        {
            kind = TimeoutKind.None;
        }
        if (kind == TimeoutKind.None && _armed == TimeoutKind.None)
        {
            return;
        }
        _armed = kind;
        _deadline = kind == TimeoutKind.None ? long.MaxValue : _time.GetTimestamp() + (long)(due.TotalSeconds * _time.TimestampFrequency);
        _timer.Change(kind == TimeoutKind.None ? Timeout.InfiniteTimeSpan : due, Timeout.InfiniteTimeSpan);
    }

    private void Fire()
    {
        TimeoutKind kind;
        lock (_lock)
        {
            if (_armed == TimeoutKind.None)
            {
                return;
            }
            // A callback already queued when the timer was re-armed is stale, and timers may fire a
            // little early: only a passed deadline counts; otherwise wait out the rest.
            var now = _time.GetTimestamp();
            if (now < _deadline)
            {
                _timer.Change(_time.GetElapsedTime(now, _deadline) + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
                return;
            }
            kind = _armed;
            _armed = TimeoutKind.None;
            if (kind == TimeoutKind.Query)
            {
                // The cancel goes out now; its answer (a ReadyForQuery) re-arms the timer before the grace ends.
                _queryCancelled = true;
                Arm(TimeoutKind.QueryUnanswered);
            }
        }
        _expired(kind);
    }

    public void Dispose() => _timer.Dispose();
}
