using PoolGuard.LoadTest.Sampling;

namespace PoolGuard.LoadTest.Running;

/// <summary>
/// How to load: a closed model (<see cref="Clients"/> concurrent clients, each starting its next transaction when the
/// last ends) or, with a <see cref="Rate"/>, an open model (arrivals at that rate whatever the endpoint does, at most
/// <see cref="Clients"/> in flight; latency measured from each arrival's intended start, so queueing is not hidden).
/// </summary>
/// <param name="Endpoint">How the endpoint is named in results (host:port/database, never the password).</param>
public sealed record LoadPlan(string Endpoint, int Clients, TimeSpan Duration, double? Rate = null)
{
    public string Model => Rate is null ? "closed" : "open";

    /// <summary>After the duration, in-flight transactions get this long to finish before they are cancelled.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The same load, unmeasured, before the clock starts: the generator's JIT and the server's caches warm up.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;

    /// <summary>How long the clients get to open their connections before the clock starts anyway.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the live line and the series get a point.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// `--stage`: the clients (closed) or the rate (open) ramped over the run; its duration is the run's. Without it,
    /// <see cref="Clients"/> or <see cref="Rate"/> for the whole <see cref="Duration"/>. In the closed model
    /// <see cref="Clients"/> is then the most that run at once, at least the schedule's peak.
    /// </summary>
    public LoadSchedule? Schedule { get; init; }

    /// <summary>The course of the load: the stages, or one flat stage.</summary>
    public LoadSchedule Course => Schedule ?? LoadSchedule.Constant(Rate ?? Clients, Duration);

    /// <summary>Read once per interval beside the load (the database's connections, the gateway's pools); started before the clients.</summary>
    public IReadOnlyList<IResourceSampler> Samplers { get; init; } = [];
}
