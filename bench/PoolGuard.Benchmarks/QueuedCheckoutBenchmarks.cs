using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Pooling;

namespace PoolGuard.Benchmarks;

/// <summary>
/// The checkout slow path, which a saturated transaction pool takes once per transaction: one
/// server (pool size 1) passed from client to client. Per operation, one handoff: the holder
/// releases, the first waiting client is granted the server and resumed (its await continues
/// inline, on the releasing thread, after the pool lock), and the releaser queues again for its
/// next transaction. Waits go through a pooled async method with a cancellable token, as
/// ClientSession's acquire does, so the waiter's timer and cancellation hook are exercised.
/// The goal is 0 B per handoff.
/// </summary>
[MemoryDiagnoser]
public class QueuedCheckoutBenchmarks
{
    private readonly LoopbackRig _rig = new();
    private readonly CancellationTokenSource _shutdown = new();
    private PoolSet _pools = null!;
    private Pool _pool = null!;
    private ClientSlot[] _clients = null!;
    private ValueTask<ServerConnection>[] _waits = null!;
    private ServerConnection _server = null!;
    private int _holder;

    /// <summary>
    /// Clients sharing the server. 2: the queue empties at every handoff and refills straight after
    /// (the pool goes saturated → recovered → saturated each time). 3: someone is always waiting.
    /// </summary>
    [Params(2, 3)]
    public int Clients { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (near, _) = _rig.Pair();
        (_pools, _pool) = SeededPools.WithOneIdleServer(new PoolGuardConfig { DefaultPoolSize = 1 }, _rig.Transport(near, isServer: true));
        _clients = new ClientSlot[Clients];
        _waits = new ValueTask<ServerConnection>[Clients];
        for (var i = 0; i < Clients; i++)
        {
            _clients[i] = new ClientSlot();
        }
        _holder = 0;
        _server = SeededPools.TakeIdle(_pools, _pool, _clients[0]);
        for (var i = 1; i < Clients; i++)
        {
            _waits[i] = WaitForServerAsync(_clients[i]);
        }
    }

    [Benchmark]
    public long Handoff()
    {
        var releaser = _holder;
        var next = (releaser + 1) % Clients; // FIFO: the one that has waited longest
        _pools.Release(_server);
        var granted = _waits[next];
        _server = granted.IsCompletedSuccessfully
            ? granted.Result
            : throw new InvalidOperationException("the first waiting client was not granted the released server");
        _waits[releaser] = WaitForServerAsync(_clients[releaser]);
        _holder = next;
        return _server.Id;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // The waits still queued end cancelled, as when the gateway shuts down.
        _shutdown.Cancel();
        _rig.Close();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ServerConnection> WaitForServerAsync(ClientSlot client) =>
        await _pools.AcquireAsync(_pool, client, _shutdown.Token).ConfigureAwait(false);
}
