using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Transport;

namespace PoolGuard.Benchmarks;

/// <summary>
/// The checkout fast path: an idle server is taken (AcquireAsync completes synchronously) and
/// given back (Release). The goal is O(1) and 0 B. <see cref="OtherPools"/> adds pools for other
/// databases that hold no servers, to show whether the cost depends on how many pools exist.
/// </summary>
[MemoryDiagnoser]
public class PoolCheckoutBenchmarks
{
    private readonly ClientSlot _client = new();
    private PoolSet _pools = null!;
    private Pool _pool = null!;
    private Socket _peer = null!;
    private PgTransport _transport = null!;

    [Params(0, 100, 1000)]
    public int OtherPools { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var config = new PoolGuardConfig { DefaultPoolSize = 20 };
        _pools = new PoolSet(config, TimeProvider.System, new EventLog(TimeProvider.System));
        for (var i = 0; i < OtherPools; i++)
        {
            _pools.GetOrCreate(new PoolKey($"other{i}", "bench"), new DatabaseEntry { Name = $"other{i}" }, null);
        }
        _pool = _pools.GetOrCreate(new PoolKey("bench", "bench"), new DatabaseEntry { Name = "bench" }, null);

        // An empty pool hands out the right to open a server; give it a live socket, as the
        // connector would, and put it in the pool idle.
        var server = Acquire();
        if (server.State != ServerState.Login)
        {
            throw new InvalidOperationException($"expected a reserved server, got one in state {server.State}");
        }
        (var near, _peer) = Loopback.Pair();
        _transport = new PgTransport(near);
        server.Transport = _transport;
        _pools.MarkLoggedIn(server);
        _pools.Release(server);
        if (_pool.ServersIn(ServerState.Idle) != 1)
        {
            throw new InvalidOperationException("the seeded server did not go idle");
        }
    }

    [Benchmark]
    public long AcquireRelease()
    {
        var server = Acquire();
        _pools.Release(server);
        return server.Id;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _transport.Close();
        _peer.Dispose();
    }

    private ServerConnection Acquire()
    {
        var pending = _pools.AcquireAsync(_pool, _client, CancellationToken.None);
        // An idle server is handed out without waiting; a pending acquire would be a bug here.
        return pending.IsCompletedSuccessfully
            ? pending.Result
            : throw new InvalidOperationException("AcquireAsync did not complete synchronously with an idle server");
    }
}
