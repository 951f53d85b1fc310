using PoolGuard.Gateway.Stats;

namespace PoolGuard.Gateway.Admin;

/// <summary>
/// SHOW STATS, STATS_TOTALS and STATS_AVERAGES: per database, the totals since start and the averages of
/// the last stats_period. Prepared-statement parse/bind counts are not kept by PoolGuard and read 0.
/// </summary>
internal static class ShowStats
{
    public static ConsoleTable Stats(ConsoleContext context) =>
        new(ConsoleLayouts.Stats, [.. context.Inspector.Stats().Select(d => (string?[])[d.Database, .. Values(d.Totals), .. Values(d.Averages)])]);

    public static ConsoleTable Totals(ConsoleContext context) =>
        new(ConsoleLayouts.StatsTotals, [.. context.Inspector.Stats().Select(d => (string?[])[d.Database, .. Values(d.Totals)])]);

    public static ConsoleTable Averages(ConsoleContext context) =>
        new(ConsoleLayouts.StatsAverages, [.. context.Inspector.Stats().Select(d => (string?[])[d.Database, .. Values(d.Averages)])]);

    /// <summary>The twelve numbers in PgBouncer's order; parse, server-parse and bind counts are 0.</summary>
    private static string[] Values(StatsCounters c) =>
    [
        N(c.ServerAssignmentCount), N(c.XactCount), N(c.QueryCount), N(c.BytesReceived), N(c.BytesSent),
        N(c.XactTimeMicroseconds), N(c.QueryTimeMicroseconds), N(c.WaitTimeMicroseconds), "0", "0", "0",
        N(c.ClientConnectCount),
    ];

    private static string N(long value) => ConsoleContext.Number(value);
}
