using HdrHistogram;

namespace PoolGuard.LoadTest.Results;

/// <summary>Latency percentiles in milliseconds.</summary>
public sealed record Percentiles(double P50, double P90, double P95, double P99, double Max)
{
    /// <summary>The mean, for Little's law (in flight = throughput × mean latency).</summary>
    public double Mean { get; init; }

    public static Percentiles Of(HistogramBase histogram) => histogram.TotalCount == 0
        ? new Percentiles(0, 0, 0, 0, 0)
        : new Percentiles(Ms(histogram.GetValueAtPercentile(50)), Ms(histogram.GetValueAtPercentile(90)), Ms(histogram.GetValueAtPercentile(95)),
            Ms(histogram.GetValueAtPercentile(99)), Ms(histogram.GetMaxValue())) { Mean = Math.Round(histogram.GetMean() / 1000.0, 3) };

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
}

/// <summary>One second of the run: when (seconds from the start), how many transactions, their latencies, errors, and how many clients ran (closed: as the ramp stood at its end).</summary>
public sealed record IntervalResult(double At, long Transactions, double Tps, Percentiles Latency, long Errors, int Clients, long Dropped)
{
    /// <summary>What the samplers read at the interval's end (<see cref="Sampling.ResourceNames"/>); empty without samplers or when every sample failed.</summary>
    public IReadOnlyDictionary<string, double> Resources { get; init; } = new Dictionary<string, double>();

    /// <summary>Open model: the arrival rate the course asked for at the interval's end (it ramps with --stage).</summary>
    public double? TargetRate { get; init; }
}

/// <summary>One sampler of a run: what it read, how many of its samples failed, and the last failure.</summary>
public sealed record SamplerSummary(string Source, int Samples, int Failures, string? LastError);

/// <summary>What a load test measured.</summary>
public sealed record LoadTestResult
{
    public required string Workload { get; init; }

    /// <summary>closed (N concurrent clients) or open (a target arrival rate).</summary>
    public required string Model { get; init; }
    public required string Endpoint { get; init; }
    public int Clients { get; init; }
    public double? Rate { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public double DurationSeconds { get; init; }
    public long Transactions { get; init; }
    public double Tps { get; init; }
    public required Percentiles Latency { get; init; }
    public long Errors { get; init; }
    public IReadOnlyDictionary<string, long> ErrorsByCode { get; init; } = new Dictionary<string, long>();

    /// <summary>Open model: arrivals that found every client busy and the queue full, so they never ran (k6's dropped_iterations).</summary>
    public long Dropped { get; init; }
    public IReadOnlyList<IntervalResult> Intervals { get; init; } = [];

    /// <summary>The samplers read beside the load, with their failures.</summary>
    public IReadOnlyList<SamplerSummary> Sampled { get; init; } = [];

    /// <summary>The errors' share of all attempts (transactions + errors), in percent.</summary>
    public double ErrorRate => Transactions + Errors == 0 ? 0 : 100.0 * Errors / (Transactions + Errors);
}
