using BenchmarkDotNet.Attributes;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Telemetry;
using PoolGuard.Http;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace PoolGuard.Benchmarks;

/// <summary>
/// <see cref="PoolCheckoutBenchmarks"/>' checkout plus what a client session records around it:
/// db.client.connection.wait_time when it gets the server and use_time when it gives it back.
/// <see cref="Listening"/> attaches the admin endpoint's MeterListener (<see cref="MeterAggregator"/>),
/// as `poolguard run` does; without it the instruments are disabled and recording is one branch.
/// Compare with PoolCheckoutBenchmarks.AcquireRelease (OtherPools = 0) for the cost of the metrics.
/// </summary>
[MemoryDiagnoser]
public class PoolCheckoutMetricsBenchmarks
{
    private readonly ClientSlot _client = new();
    private readonly LoopbackRig _rig = new();
    private PoolSet _pools = null!;
    private Pool _pool = null!;
    private GatewayMetrics _metrics = null!;
    private MeterAggregator? _listener;

    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (near, _) = _rig.Pair();
        var config = new PoolGuardConfig { DefaultPoolSize = 20 };
        (_pools, _pool) = SeededPools.WithOneIdleServer(config, _rig.Transport(near, isServer: true));
        _metrics = new GatewayMetrics(_pools, new EventLog(TimeProvider.System), () => config);
        _listener = Listening ? new MeterAggregator(_metrics) : null;
    }

    [Benchmark]
    public long AcquireReleaseRecorded()
    {
        var started = Stopwatch.GetTimestamp();
        var server = SeededPools.TakeIdle(_pools, _pool, _client);
        var assigned = Stopwatch.GetTimestamp();
        GatewayMetrics.Record(_metrics.WaitTime, Stopwatch.GetElapsedTime(started, assigned), _pool);
        GatewayMetrics.Record(_metrics.UseTime, Stopwatch.GetElapsedTime(assigned), _pool);
        _pools.Release(server);
        return server.Id;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener?.Dispose();
        _metrics.Dispose();
        _rig.Close();
    }
}
