using PoolGuard.LoadTest.Results;
using PoolGuard.LoadTest.Sampling;
using PoolGuard.LoadTest.Sweep;

namespace PoolGuard.Tests.LoadTest;

/// <summary>How a sweep chooses among measured sizes: within the limits only, the smallest of those near the best.</summary>
public sealed class PoolSizeChoiceTests
{
    [Fact]
    public void The_smallest_size_within_five_percent_of_the_best_is_recommended()
    {
        var sweep = PoolSizeSweep.Choose([Step(1, 50, 80, busy: 1), Step(2, 100, 41, busy: 2), Step(4, 194, 22, busy: 3.9), Step(8, 199, 21.5, busy: 4)], 100, 4, restoredTo: 20);

        Assert.Equal(8, sweep.Best.PoolSize);
        Assert.Equal(4, sweep.Recommended?.PoolSize);
        Assert.Equal(20, sweep.RestoredTo);
        Assert.Contains("a transaction holds a server 20.1 ms", sweep.Explanation, StringComparison.Ordinal); // 3.9 busy / 194 per second
        Assert.Contains("the best, pool 8, gave only 2.58 % more", sweep.Explanation, StringComparison.Ordinal);
        Assert.Contains("pool 2 gave 100 TPS (48.45 % less, p99 41 ms), its 4 client(s) queueing", sweep.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_size_with_errors_or_p99_over_the_limit_is_not_recommended_and_contention_is_named()
    {
        var sweep = PoolSizeSweep.Choose([Step(2, 100, 150, busy: 2), Step(4, 180, 40, busy: 3), Step(16, 260, 30, busy: 16, errors: 3), Step(32, 181, 60, busy: 30)], 100, 32, 5);

        Assert.Equal(4, sweep.Recommended?.PoolSize); // 16 was fastest but had errors; 32 is no faster than 4
        Assert.Contains("at pool 32 a transaction held its server 166 ms against 16.67", sweep.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void When_no_size_keeps_within_the_limits_there_is_no_recommendation()
    {
        var sweep = PoolSizeSweep.Choose([Step(1, 10, 900, busy: 1), Step(2, 20, 450, busy: 2)], 100, 10, 2);

        Assert.Null(sweep.Recommended);
        Assert.Equal(2, sweep.Best.PoolSize);
        Assert.StartsWith("no pool size kept p99 under 100 ms", sweep.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_gateway_samples_the_server_time_is_unknown_not_zero()
    {
        var step = new PoolSizeStep(4, Result(100, 20, 0, []));

        Assert.True(double.IsNaN(step.ServersBusy));
        Assert.True(double.IsNaN(step.ServerMs));
        Assert.DoesNotContain("holds a server", PoolSizeSweep.Choose([step], 100, 4, 4).Explanation, StringComparison.Ordinal);
    }

    private static PoolSizeStep Step(int size, double tps, double p99, double busy, long errors = 0) =>
        new(size, Result(tps, p99, errors, [Interval(busy - 0.1), Interval(busy + 0.1)]));

    private static IntervalResult Interval(double busy) => new(1, 0, 0, new Percentiles(0, 0, 0, 0, 0), 0, 0, 0)
    {
        Resources = new Dictionary<string, double> { [ResourceNames.GatewayServersActive] = busy },
    };

    private static LoadTestResult Result(double tps, double p99, long errors, IReadOnlyList<IntervalResult> intervals) => new()
    {
        Workload = "slow.sql", Model = "closed", Endpoint = "127.0.0.1:6432/app", StartedAt = DateTimeOffset.UnixEpoch, Tps = tps, Errors = errors,
        Latency = new Percentiles(p99 / 2, p99 * 0.8, p99 * 0.9, p99, p99 * 1.2) { Mean = p99 / 2 },
        Intervals = intervals,
    };
}
