using PoolGuard.LoadTest.Results;
using PoolGuard.LoadTest.Sampling;

namespace PoolGuard.LoadTest.Sweep;

/// <summary>One pool size of a sweep: the size and what the load measured through it.</summary>
public sealed record PoolSizeStep(int PoolSize, LoadTestResult Result)
{
    /// <summary>The gateway's busy servers, averaged over the step's once-a-second samples of its /metrics; NaN when none was read.</summary>
    public double SampledBusy
    {
        get
        {
            var samples = Result.Intervals.Where(p => p.Resources.ContainsKey(ResourceNames.GatewayServersActive))
                .Select(p => p.Resources[ResourceNames.GatewayServersActive]).ToList();
            return samples.Count == 0 ? double.NaN : Math.Round(samples.Average(), 2);
        }
    }

    /// <summary>
    /// How long a transaction holds a server, in ms: from the gateway's counters over the step (seconds servers spent
    /// in transactions / transactions), exact; without them, Little's law on the sampled busy servers (busy / throughput),
    /// which a second's sample reads only roughly. NaN when neither was read.
    /// </summary>
    public double ServerMs
    {
        get
        {
            var counted = Result.Intervals.Where(p => p.Resources.ContainsKey(ResourceNames.GatewayTransactionsTotal) && p.Resources.ContainsKey(ResourceNames.GatewayTransactionSecondsTotal)).ToList();
            if (counted.Count >= 2)
            {
                var transactions = counted[^1].Resources[ResourceNames.GatewayTransactionsTotal] - counted[0].Resources[ResourceNames.GatewayTransactionsTotal];
                var seconds = counted[^1].Resources[ResourceNames.GatewayTransactionSecondsTotal] - counted[0].Resources[ResourceNames.GatewayTransactionSecondsTotal];
                if (transactions > 0 && seconds >= 0)
                {
                    return Math.Round(seconds / transactions * 1000, 3);
                }
            }
            return Result.Tps > 0 && double.IsFinite(SampledBusy) ? Math.Round(SampledBusy / Result.Tps * 1000, 3) : double.NaN;
        }
    }

    /// <summary>Little's law: the servers busy on average, throughput × server time (without the counters, the sampled figure).</summary>
    public double ServersBusy => double.IsFinite(ServerMs) ? Math.Round(Result.Tps * ServerMs / 1000, 2) : double.NaN;

    /// <summary>What is left of the mean latency once the server time is taken out: the wait for a server (and the network).</summary>
    public double WaitMs => double.IsFinite(ServerMs) ? Math.Round(Math.Max(0, Result.Latency.Mean - ServerMs), 3) : double.NaN;
}

/// <summary>
/// A pool-size sweep: every step, the best throughput within the limits, the size recommended (null when none kept
/// within them), the explanation, and the default_pool_size the gateway was given back.
/// </summary>
public sealed record PoolSweepResult(IReadOnlyList<PoolSizeStep> Steps, PoolSizeStep Best, PoolSizeStep? Recommended, double P99LimitMs, string Explanation, int RestoredTo);
