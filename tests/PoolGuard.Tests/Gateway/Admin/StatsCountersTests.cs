using PoolGuard.Gateway.Stats;

namespace PoolGuard.Tests.Gateway.Admin;

public sealed class StatsCountersTests
{
    [Fact]
    public void Averages_are_counts_per_second_and_times_per_transaction_query_and_assignment()
    {
        var before = new StatsCounters(10, 100, 200, 1_000, 5_000, 10_000, 20_000, 300, 1);
        var after = new StatsCounters(30, 300, 600, 3_000, 25_000, 30_000, 40_000, 2_300, 21);

        var average = StatsCounters.Average(after, before, TimeSpan.FromSeconds(10));

        Assert.Equal(new StatsCounters(
            ServerAssignmentCount: 2, XactCount: 20, QueryCount: 40, BytesReceived: 200, BytesSent: 2_000,
            XactTimeMicroseconds: 100, QueryTimeMicroseconds: 50, WaitTimeMicroseconds: 100, ClientConnectCount: 2), average);
    }

    [Fact]
    public void A_quiet_period_averages_to_zero_without_dividing_by_zero()
    {
        var totals = new StatsCounters(1, 2, 3, 4, 5, 6, 7, 8, 9);

        Assert.Equal(default, StatsCounters.Average(totals, totals, TimeSpan.FromSeconds(60)));
        Assert.Equal(default, StatsCounters.Average(totals, default, TimeSpan.Zero));
    }
}
