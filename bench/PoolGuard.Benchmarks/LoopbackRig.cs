using System.Net.Sockets;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Transport;

namespace PoolGuard.Benchmarks;

/// <summary>
/// What a relay benchmark stands up on 127.0.0.1 — socket pairs, the gateway's transports over
/// them, and the pumps and stand-in server running in the background — torn down together by
/// <see cref="Close"/>. One per benchmark class, shared by its setups (BenchmarkDotNet runs each
/// benchmark in its own process, so only one setup's objects are ever live).
/// </summary>
internal sealed class LoopbackRig
{
    private readonly List<Socket> _sockets = [];
    private readonly List<PgTransport> _transports = [];
    private readonly List<Task> _tasks = [];

    /// <summary>A connected pair with Nagle off on both ends.</summary>
    public (Socket Near, Socket Far) Pair()
    {
        var pair = Loopback.Pair();
        _sockets.Add(pair.Near);
        _sockets.Add(pair.Far);
        return pair;
    }

    /// <summary>A socket whose peer is a stand-in PostgreSQL answering every pgbench Query.</summary>
    public Socket StandInServer()
    {
        var (near, far) = Pair();
        Run(Loopback.ServeQueriesAsync(far));
        return near;
    }

    /// <summary>
    /// The gateway's transport over <paramref name="socket"/>. Server sides are made as
    /// ServerConnector makes them (no zero-byte reads), so relay numbers match the gateway's.
    /// </summary>
    public PgTransport Transport(Socket socket, bool isServer = false)
    {
        var transport = new PgTransport(socket, isServer);
        _transports.Add(transport);
        return transport;
    }

    /// <summary>A logged-in server over a stand-in PostgreSQL, in a pool of its own (no PoolSet).</summary>
    public ServerConnection StandInServerConnection()
    {
        var pool = new Pool(new PoolKey("bench", "bench"), new DatabaseEntry { Name = "bench" }, null, new PoolGuardConfig());
        return new ServerConnection(pool, TimeProvider.System.GetTimestamp()) { Transport = Transport(StandInServer(), isServer: true) };
    }

    /// <summary>Something that runs until its sockets close: a pump, the stand-in server.</summary>
    public void Run(Task task) => _tasks.Add(task);

    public void Close()
    {
        foreach (var transport in _transports)
        {
            transport.Close();
        }
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
        // The pumps and the stand-in server end when their sockets close; a pump whose socket is
        // closed under a pending read ends with an exception, which is expected here.
        try
        {
            Task.WhenAll(_tasks).Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _transports.Clear();
        _sockets.Clear();
        _tasks.Clear();
    }
}
