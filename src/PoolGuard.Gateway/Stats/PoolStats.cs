using System.Diagnostics;

namespace PoolGuard.Gateway.Stats;

/// <summary>
/// One pool's traffic counters, apart from the pool's lock: relays add to them with atomics once per
/// ReadyForQuery or server assignment (never per message), and SHOW STATS reads them at any time.
/// Relay times are kept in Stopwatch ticks and turned into microseconds when read.
/// </summary>
internal sealed class PoolStats
{
    private long _serverAssignments;
    private long _xacts;
    private long _queries;
    private long _received;
    private long _sent;
    private long _xactTicks;
    private long _queryTicks;
    private long _waitMicroseconds;
    private long _clientConnects;

    // The last complete stats_period: the totals at its start and its end, replaced together by Tick.
    private StatsPeriod _lastPeriod = new(default, default, TimeSpan.Zero);
    private long _lastTickAt = Stopwatch.GetTimestamp();

    /// <summary>A client logged in to the pool.</summary>
    public void AddClientConnect() => Interlocked.Increment(ref _clientConnects);

    /// <summary>A client got a server after waiting <paramref name="wait"/> (measured on the gateway's clock).</summary>
    public void AddAssignment(TimeSpan wait)
    {
        Interlocked.Increment(ref _serverAssignments);
        Interlocked.Add(ref _waitMicroseconds, (long)wait.TotalMicroseconds);
    }

    /// <summary>A query (request up to its ReadyForQuery) took <paramref name="ticks"/>; the bytes are those relayed since the last one.</summary>
    public void AddQuery(long ticks, long received, long sent)
    {
        Interlocked.Increment(ref _queries);
        Interlocked.Add(ref _queryTicks, ticks);
        Interlocked.Add(ref _received, received);
        Interlocked.Add(ref _sent, sent);
    }

    /// <summary>Bytes relayed outside any query's accounting (the tail of a relay that ended).</summary>
    public void AddBytes(long received, long sent)
    {
        Interlocked.Add(ref _received, received);
        Interlocked.Add(ref _sent, sent);
    }

    /// <summary>A transaction ended after <paramref name="ticks"/> (one query outside a block counts as one).</summary>
    public void AddXact(long ticks)
    {
        Interlocked.Increment(ref _xacts);
        Interlocked.Add(ref _xactTicks, ticks);
    }

    public StatsCounters Totals => new(
        Volatile.Read(ref _serverAssignments),
        Volatile.Read(ref _xacts),
        Volatile.Read(ref _queries),
        Volatile.Read(ref _received),
        Volatile.Read(ref _sent),
        Microseconds(Volatile.Read(ref _xactTicks)),
        Microseconds(Volatile.Read(ref _queryTicks)),
        Volatile.Read(ref _waitMicroseconds),
        Volatile.Read(ref _clientConnects));

    /// <summary>The last complete stats_period (zero-length before the first one ends).</summary>
    public StatsPeriod LastPeriod => Volatile.Read(ref _lastPeriod);

    /// <summary>Ends a stats_period. Called by one timer only.</summary>
    public void Tick(long now)
    {
        var end = Totals;
        var start = _lastPeriod.End;
        Volatile.Write(ref _lastPeriod, new StatsPeriod(start, end, Stopwatch.GetElapsedTime(_lastTickAt, now)));
        _lastTickAt = now;
    }

    private static long Microseconds(long ticks) => (long)(ticks * (1_000_000.0 / Stopwatch.Frequency));
}
