using System.Globalization;
using Npgsql;
using PoolGuard.LoadTest.Results;
using PoolGuard.LoadTest.Sampling;
using PoolGuard.LoadTest.Workloads;

namespace PoolGuard.LoadTest.Running;

/// <summary>One step of a knee search: the concurrency and what it measured.</summary>
public sealed record KneeStep(int Clients, LoadTestResult Result)
{
    /// <summary>Little's law: transactions in flight on average = throughput × mean latency.</summary>
    public double InFlight => Math.Round(Result.Tps * Result.Latency.Mean / 1000.0, 2);
}

/// <summary>Where throughput stopped rising: the knee step, why the search stopped, and the explanation in numbers.</summary>
public sealed record KneeResult(IReadOnlyList<KneeStep> Steps, KneeStep Knee, string StoppedBecause, string Explanation);

/// <summary>
/// `loadtest --find-knee`: steps the concurrency up (1, 2, 4, … up to --clients), each step a closed-model run of
/// its own, until throughput stops rising (less than <see cref="MinimumGain"/> over the best step), p99 crosses the
/// limit, or errors appear. The knee is the best step before that: the most throughput the endpoint sustains, the
/// concurrency that reaches it and its latency — explained with Little's law, since beyond the knee more clients
/// only wait in a queue (in flight stays flat while latency grows).
/// </summary>
public static class KneeFinder
{
    public const double MinimumGain = 0.10;

    public static IReadOnlyList<int> Doubling(int maximum)
    {
        var steps = new List<int>();
        for (var clients = 1; clients < maximum; clients *= 2)
        {
            steps.Add(clients);
        }
        steps.Add(maximum);
        return steps;
    }

    public static async Task<KneeResult> FindAsync(IWorkload workload, NpgsqlDataSource dataSource, string endpoint, IReadOnlyList<int> steps, TimeSpan stepDuration,
        TimeSpan warmup, double p99LimitMs, IReadOnlyList<IResourceSampler> samplers, StepProgress<KneeStep>? progress, CancellationToken cancellationToken)
    {
        var done = new List<KneeStep>();
        KneeStep? best = null;
        var stopped = $"the last step ({steps[^1]} clients) still gained: give more --clients to find where it stops";
        foreach (var clients in steps)
        {
            progress?.Starting?.Invoke(clients);
            var result = await LoadRunner.RunAsync(workload, dataSource, new LoadPlan(endpoint, clients, stepDuration) { Warmup = warmup, Samplers = samplers },
                progress?.Interval, cancellationToken).ConfigureAwait(false);
            var step = new KneeStep(clients, result);
            done.Add(step);
            progress?.Done?.Invoke(step);
            if (result.Errors > 0)
            {
                stopped = $"errors appeared at {clients} clients ({string.Join(", ", result.ErrorsByCode.Select(e => $"{e.Key} × {e.Value}"))})";
                break;
            }
            if (result.Latency.P99 > p99LimitMs)
            {
                stopped = $"p99 {N(result.Latency.P99)} ms crossed the limit of {N(p99LimitMs)} ms at {clients} clients";
                break;
            }
            if (best is not null && result.Tps < best.Result.Tps * (1 + MinimumGain))
            {
                stopped = $"throughput stopped rising: {clients} clients gave {N(result.Tps)} TPS against {N(best.Result.Tps)} at {best.Clients}";
                break;
            }
            best = step;
        }
        var knee = best ?? done[0];
        return new KneeResult(done, knee, stopped, Explain(knee, done.Count > done.IndexOf(knee) + 1 ? done[done.IndexOf(knee) + 1] : null));
    }

    private static string Explain(KneeStep knee, KneeStep? beyond)
    {
        var text = $"{N(knee.Result.Tps)} TPS at {knee.Clients} client(s), p99 {N(knee.Result.Latency.P99)} ms: {N(knee.Result.Tps)}/s × {N(knee.Result.Latency.Mean)} ms mean = {N(knee.InFlight)} in flight (Little's law)";
        if (beyond is null)
        {
            return text;
        }
        var gain = beyond.Result.Tps / Math.Max(1e-9, knee.Result.Tps) - 1;
        var latency = beyond.Result.Latency.Mean / Math.Max(1e-9, knee.Result.Latency.Mean);
        return text + $"; at {beyond.Clients} clients throughput {(gain >= 0 ? "+" : "")}{N(gain * 100)} % while mean latency ×{N(latency)}: "
            + "the extra clients wait in a queue instead of doing work, so a pool of about the knee's size is enough";
    }

    private static string N(double value) => value.ToString(value >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture);
}
