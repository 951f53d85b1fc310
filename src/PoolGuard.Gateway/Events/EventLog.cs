namespace PoolGuard.Gateway.Events;

/// <summary>
/// A bounded ring of recent events plus a subscription hook. Publishing never blocks and never
/// grows memory: the oldest event is dropped when the ring is full.
/// </summary>
public sealed class EventLog
{
    private readonly GatewayEvent?[] _ring;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _sequence;

    public EventLog(TimeProvider time, int capacity = 1024)
    {
        _time = time;
        _ring = new GatewayEvent?[capacity];
    }

    private EventFile? _file;

    /// <summary>Also appends every event to <paramref name="file"/> from now on (null stops it).</summary>
    internal void WriteTo(EventFile? file)
    {
        lock (_lock)
        {
            _file = file;
        }
    }

    /// <summary>
    /// Called for every event on a thread-pool thread, queued by the publisher (who may hold a pool
    /// lock), so handlers may see events slightly after they happened; they must be quick and not throw.
    /// </summary>
    public event Action<GatewayEvent>? Published;

    /// <summary>
    /// Events that components beside the gateway report into the same timeline (the alert engine), so an
    /// incident's events come from one ring and one file in one order. Only those kinds are accepted.
    /// </summary>
    public void Report(GatewayEventKind kind, string? pool, string detail, IReadOnlyDictionary<string, long>? numbers = null)
    {
        if (kind is not (GatewayEventKind.AlertFiring or GatewayEventKind.AlertResolved))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "only alert events are reported from outside the gateway");
        }
        Publish(kind, pool, detail, numbers);
    }

    internal void Publish(GatewayEventKind kind, string? pool, string detail, IReadOnlyDictionary<string, long>? numbers = null)
    {
        GatewayEvent e;
        lock (_lock)
        {
            e = new GatewayEvent(++_sequence, _time.GetUtcNow(), kind, pool, detail, numbers ?? GatewayEvent.NoNumbers);
            _ring[(int)(e.Sequence % _ring.Length)] = e;
            // Under the lock, so the file gets events in sequence order whichever thread published them.
            _file?.Append(e);
        }
        // Handlers run off the pool lock the publisher may hold.
        if (Published is { } handlers)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.handlers(s.e), (handlers, e), preferLocal: false);
        }
    }

    /// <summary>Events still in the ring, oldest first.</summary>
    public IReadOnlyList<GatewayEvent> Recent() => Since(0);

    /// <summary>Events still in the ring with a sequence number above <paramref name="sequence"/>, oldest first.</summary>
    public IReadOnlyList<GatewayEvent> Since(long sequence)
    {
        lock (_lock)
        {
            var first = Math.Max(Math.Max(1, sequence + 1), _sequence - _ring.Length + 1);
            var list = new List<GatewayEvent>((int)Math.Max(0, Math.Min(_ring.Length, _sequence - first + 1)));
            for (var seq = first; seq <= _sequence; seq++)
            {
                if (_ring[(int)(seq % _ring.Length)] is { } e && e.Sequence == seq)
                {
                    list.Add(e);
                }
            }
            return list;
        }
    }
}
