using BenchmarkDotNet.Attributes;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Pooling;

namespace PoolGuard.Benchmarks;

/// <summary>
/// The checkout fast path: an idle server is taken (AcquireAsync completes synchronously) and
/// given back (Release). The goal is O(1) and 0 B. <see cref="OtherPools"/> adds pools for other
/// databases that hold no servers, to show whether the cost depends on how many pools exist.
/// <see cref="QueuedCheckoutBenchmarks"/> measures the slow path, a server handed to a waiting client.
/// </summary>
[MemoryDiagnoser]
public class PoolCheckoutBenchmarks
{
    private readonly ClientSlot _client = new();
    private readonly LoopbackRig _rig = new();
    private PoolSet _pools = null!;
    private Pool _pool = null!;

    [Params(0, 100, 1000)]
    public int OtherPools { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (near, _) = _rig.Pair();
        (_pools, _pool) = SeededPools.WithOneIdleServer(new PoolGuardConfig { DefaultPoolSize = 20 }, _rig.Transport(near, isServer: true), OtherPools);
    }

    [Benchmark]
    public long AcquireRelease()
    {
        var server = SeededPools.TakeIdle(_pools, _pool, _client);
        _pools.Release(server);
        return server.Id;
    }

    [GlobalCleanup]
    public void Cleanup() => _rig.Close();
}
