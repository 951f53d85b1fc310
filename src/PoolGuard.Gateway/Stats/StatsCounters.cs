namespace PoolGuard.Gateway.Stats;

/// <summary>
/// The traffic numbers of SHOW STATS, in PgBouncer's units: counts, bytes, and times in microseconds.
/// As totals they grow for the gateway's life; as averages the counts and bytes are per second and
/// the times per transaction, query or server assignment, over the last stats_period.
/// </summary>
public readonly record struct StatsCounters(
    long ServerAssignmentCount,
    long XactCount,
    long QueryCount,
    long BytesReceived,
    long BytesSent,
    long XactTimeMicroseconds,
    long QueryTimeMicroseconds,
    long WaitTimeMicroseconds,
    long ClientConnectCount)
{
    public static StatsCounters operator +(StatsCounters a, StatsCounters b) => new(
        a.ServerAssignmentCount + b.ServerAssignmentCount,
        a.XactCount + b.XactCount,
        a.QueryCount + b.QueryCount,
        a.BytesReceived + b.BytesReceived,
        a.BytesSent + b.BytesSent,
        a.XactTimeMicroseconds + b.XactTimeMicroseconds,
        a.QueryTimeMicroseconds + b.QueryTimeMicroseconds,
        a.WaitTimeMicroseconds + b.WaitTimeMicroseconds,
        a.ClientConnectCount + b.ClientConnectCount);

    /// <summary>
    /// The averages of one period, as PgBouncer computes them: counts and bytes per second; each time
    /// divided by the count it belongs to (transactions, queries, assignments), zero when there were none.
    /// </summary>
    public static StatsCounters Average(StatsCounters now, StatsCounters before, TimeSpan period)
    {
        if (period <= TimeSpan.Zero)
        {
            return default;
        }
        var seconds = period.TotalSeconds;
        long PerSecond(long current, long previous) => (long)((current - previous) / seconds);
        static long Per(long time, long count) => count > 0 ? time / count : 0;
        var assignments = now.ServerAssignmentCount - before.ServerAssignmentCount;
        var xacts = now.XactCount - before.XactCount;
        var queries = now.QueryCount - before.QueryCount;
        return new StatsCounters(
            PerSecond(now.ServerAssignmentCount, before.ServerAssignmentCount),
            PerSecond(now.XactCount, before.XactCount),
            PerSecond(now.QueryCount, before.QueryCount),
            PerSecond(now.BytesReceived, before.BytesReceived),
            PerSecond(now.BytesSent, before.BytesSent),
            Per(now.XactTimeMicroseconds - before.XactTimeMicroseconds, xacts),
            Per(now.QueryTimeMicroseconds - before.QueryTimeMicroseconds, queries),
            Per(now.WaitTimeMicroseconds - before.WaitTimeMicroseconds, assignments),
            PerSecond(now.ClientConnectCount, before.ClientConnectCount));
    }
}

/// <summary>One stats_period: the totals at its start and end; averages come from the difference.</summary>
internal sealed record StatsPeriod(StatsCounters Start, StatsCounters End, TimeSpan Length)
{
    /// <summary>Several pools' periods (ended by the same tick) as one, e.g. a database's.</summary>
    public static StatsPeriod operator +(StatsPeriod a, StatsPeriod b) =>
        new(a.Start + b.Start, a.End + b.End, a.Length > b.Length ? a.Length : b.Length);

    public StatsCounters Averages => StatsCounters.Average(End, Start, Length);
}

/// <summary>One database's statistics (its pools added up), as SHOW STATS shows a row.</summary>
public sealed record DatabaseStats(string Database, StatsCounters Totals, StatsCounters Averages);
