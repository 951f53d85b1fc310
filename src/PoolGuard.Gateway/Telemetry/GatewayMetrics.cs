using System.Diagnostics.Metrics;
using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Pooling;

namespace PoolGuard.Gateway.Telemetry;

/// <summary>
/// The gateway's instruments, one Meter named "PoolGuard" per gateway, following the OpenTelemetry
/// semantic conventions for database client connection pools (db.client.connection.*), with the pool
/// "database/user" as db.client.connection.pool.name. Gauges are observed from the same pool snapshot
/// SHOW POOLS prints, so the numbers agree; histograms are recorded where the events happen, with a
/// tag made once per pool (<see cref="Pool.MetricTag"/>), so recording allocates nothing.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "PoolGuard";
    public const string PoolNameTag = "db.client.connection.pool.name";
    public const string StateTag = "db.client.connection.state";

    /// <summary>The semantic conventions' advised boundaries (seconds) for the pool's duration histograms.</summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

    private readonly PoolSet _pools;
    private readonly EventLog _events;

    internal GatewayMetrics(PoolSet pools, EventLog events)
    {
        _pools = pools;
        _events = events;
        Meter = new Meter(MeterName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets };
        Meter.CreateObservableUpDownCounter("db.client.connection.count", ObserveCount, "{connection}",
            "Connections open now, by state: idle (in the pool) or used (linked to a client, being reset or logging in)");
        Meter.CreateObservableUpDownCounter("db.client.connection.idle.max", () => ObservePools(static (_, p) => p.PoolSize), "{connection}",
            "The most idle connections the pool keeps (its pool size)");
        Meter.CreateObservableUpDownCounter("db.client.connection.idle.min", () => ObservePools(static (pool, _) => pool?.MinPoolSize ?? 0), "{connection}",
            "The fewest idle connections the pool keeps (min_pool_size)");
        Meter.CreateObservableUpDownCounter("db.client.connection.max", () => ObservePools(static (_, p) => p.PoolSize), "{connection}",
            "The most connections the pool may open (its pool size)");
        Meter.CreateObservableUpDownCounter("db.client.connection.pending_requests", () => ObservePools(static (_, p) => p.ClientsWaiting), "{request}",
            "Clients waiting for a connection (SHOW POOLS cl_waiting)");
        Timeouts = Meter.CreateCounter<long>("db.client.connection.timeouts", "{timeout}",
            "Clients that gave up waiting for a connection after query_wait_timeout");
        CreateTime = Meter.CreateHistogram("db.client.connection.create_time", "s",
            "Time to open a server connection: TCP, TLS and login", advice: advice);
        WaitTime = Meter.CreateHistogram("db.client.connection.wait_time", "s",
            "Time a client waited for a server connection", advice: advice);
        UseTime = Meter.CreateHistogram("db.client.connection.use_time", "s",
            "Time between a client getting a server connection and giving it back", advice: advice);
        _events.Published += OnEvent;
    }

    /// <summary>This gateway's meter; a MeterListener tells it from other gateways' by reference.</summary>
    public Meter Meter { get; }

    internal Counter<long> Timeouts { get; }
    internal Histogram<double> CreateTime { get; }
    internal Histogram<double> WaitTime { get; }
    internal Histogram<double> UseTime { get; }

    /// <summary>Records <paramref name="duration"/> as seconds under the pool's cached tag, without allocating.</summary>
    internal static void Record(Histogram<double> histogram, TimeSpan duration, Pool pool)
    {
        if (histogram.Enabled)
        {
            histogram.Record(duration.TotalSeconds, pool.MetricTag);
        }
    }

    private void OnEvent(GatewayEvent e)
    {
        // Events are rare (one per timed-out client), so a tag built here costs nothing that matters.
        if (e.Kind == GatewayEventKind.WaitTimeout && e.Pool is { } pool)
        {
            Timeouts.Add(1, new KeyValuePair<string, object?>(PoolNameTag, pool));
        }
    }

    private List<Measurement<long>> ObserveCount()
    {
        var snapshot = _pools.Snapshot();
        var result = new List<Measurement<long>>(snapshot.Count * 2);
        foreach (var pool in snapshot)
        {
            var name = new KeyValuePair<string, object?>(PoolNameTag, pool.Key.ToString());
            result.Add(new(pool.ServersIdle, name, new(StateTag, "idle")));
            result.Add(new(pool.ServersActive + pool.ServersUsed + pool.ServersLogin, name, new(StateTag, "used")));
        }
        return result;
    }

    private List<Measurement<long>> ObservePools(Func<Pool?, PoolSnapshot, long> read)
    {
        var pools = new Dictionary<PoolKey, Pool>();
        foreach (var pool in _pools.ListPools())
        {
            pools[pool.Key] = pool;
        }
        var result = new List<Measurement<long>>();
        foreach (var snapshot in _pools.Snapshot())
        {
            result.Add(new(read(pools.GetValueOrDefault(snapshot.Key), snapshot), new KeyValuePair<string, object?>(PoolNameTag, snapshot.Key.ToString())));
        }
        return result;
    }

    public void Dispose()
    {
        _events.Published -= OnEvent;
        Meter.Dispose();
    }
}
