using BenchmarkDotNet.Attributes;
using PoolGuard.Gateway.Transactions;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Benchmarks;

/// <summary>
/// The link's <see cref="RequestQueue"/> through one extended-protocol batch, as a driver sends
/// it for a prepared statement (Parse, Bind, Describe, Execute, Sync): five requests queued, then
/// matched to their answers and dequeued. Times are per batch. The ring (8 slots) is never full
/// here, so its head wraps around across invocations without growing; the goal is 0 B.
/// </summary>
[MemoryDiagnoser]
public class RequestQueueBenchmarks
{
    private static readonly PendingRequest[] Batch =
    [
        new(FrontendMessage.Parse, ResponseAction.Forward, "poolguard_5a1e0c7f3b2d4e6a8c9b0d1e2f3a4b5c"),
        new(FrontendMessage.Bind, ResponseAction.Forward),
        new(FrontendMessage.Describe, ResponseAction.Forward),
        new(FrontendMessage.Execute, ResponseAction.Forward),
        new(FrontendMessage.Sync, ResponseAction.Forward),
    ];

    private readonly RequestQueue _queue = new();

    /// <summary>Stands in for TransactionLink.Sync, the lock that guards the queue.</summary>
    private readonly Lock _sync = new();

    /// <summary>The queue alone.</summary>
    [Benchmark(Baseline = true)]
    public int EnqueueDequeue()
    {
        foreach (var request in Batch)
        {
            _queue.Enqueue(request);
        }
        var kinds = 0;
        while (_queue.TryPeek(out var head))
        {
            kinds += head.Kind;
            _queue.Dequeue();
        }
        return kinds;
    }

    /// <summary>
    /// With the locking the pumps do: the client pump queues a whole read under one lock (its
    /// scan); the server pump peeks under the lock when an answer arrives and takes the lock again
    /// to dequeue the request that answer completes.
    /// </summary>
    [Benchmark]
    public int EnqueueDequeueLocked()
    {
        lock (_sync)
        {
            foreach (var request in Batch)
            {
                _queue.Enqueue(request);
            }
        }
        var kinds = 0;
        while (true)
        {
            PendingRequest head;
            lock (_sync)
            {
                if (!_queue.TryPeek(out head))
                {
                    return kinds;
                }
            }
            kinds += head.Kind;
            lock (_sync)
            {
                _queue.Dequeue();
            }
        }
    }
}
