using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.Transport;

namespace PoolGuard.Benchmarks;

/// <summary>
/// One pgbench -S round trip (40-byte Query out, 100-byte reply of 4 messages back) over real
/// loopback sockets: straight to a stand-in server, through the server-to-client pump, and through
/// both pumps as a session-mode client sees it. The client side blocks on its sockets so that the
/// only allocations measured are the relay's (MemoryDiagnoser counts every thread).
/// Allocated / 4 = bytes per forwarded reply message; the goal is 0 B.
/// </summary>
[MemoryDiagnoser]
public class RelayBenchmarks
{
    private readonly byte[] _reply = new byte[PgbenchMessages.ReplySize];
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _tasks = [];
    private readonly List<PgTransport> _transports = [];
    private Socket _send = null!;
    private Socket _receive = null!;

    [GlobalSetup(Target = nameof(Direct))]
    public void SetupDirect()
    {
        var (client, server) = Track(Loopback.Pair());
        _tasks.Add(Loopback.ServeQueriesAsync(server));
        _send = _receive = client;
    }

    /// <summary>client ⇄ PostgreSQL stand-in, no gateway: the floor for the two below.</summary>
    [Benchmark(Baseline = true)]
    public void Direct() => Loopback.RoundTrip(_send, _receive, PgbenchMessages.Query, _reply);

    [GlobalSetup(Target = nameof(ServerToClientPump))]
    public void SetupServerToClientPump()
    {
        var (client, gatewayClientSide) = Track(Loopback.Pair());
        var (gatewayServerSide, server) = Track(Loopback.Pair());
        _tasks.Add(Loopback.ServeQueriesAsync(server));
        var connection = ServerConnectionOver(gatewayServerSide);
        var pump = new ServerToClientPump(TransportOver(gatewayClientSide), connection, new RelayStop());
        _tasks.Add(pump.RunAsync());
        // The Query goes straight onto the gateway's server socket, as ClientToServerPump would send it.
        _send = gatewayServerSide;
        _receive = client;
    }

    /// <summary>Reply path only: server socket → pipe → header scan → client socket.</summary>
    [Benchmark]
    public void ServerToClientPump() => Loopback.RoundTrip(_send, _receive, PgbenchMessages.Query, _reply);

    [GlobalSetup(Target = nameof(BothPumps))]
    public void SetupBothPumps()
    {
        var (client, gatewayClientSide) = Track(Loopback.Pair());
        var (gatewayServerSide, server) = Track(Loopback.Pair());
        _tasks.Add(Loopback.ServeQueriesAsync(server));
        var connection = ServerConnectionOver(gatewayServerSide);
        var clientTransport = TransportOver(gatewayClientSide);
        _tasks.Add(new ClientToServerPump(clientTransport, connection, new RelayStop()).RunAsync());
        _tasks.Add(new ServerToClientPump(clientTransport, connection, new RelayStop()).RunAsync());
        _send = _receive = client;
    }

    /// <summary>The whole session-mode relay: client → gateway → server → gateway → client.</summary>
    [Benchmark]
    public void BothPumps() => Loopback.RoundTrip(_send, _receive, PgbenchMessages.Query, _reply);

    [GlobalCleanup]
    public void Cleanup()
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

    private PgTransport TransportOver(Socket socket)
    {
        var transport = new PgTransport(socket);
        _transports.Add(transport);
        return transport;
    }

    private ServerConnection ServerConnectionOver(Socket socket)
    {
        var config = new PoolGuardConfig();
        var pool = new Pool(new PoolKey("bench", "bench"), new DatabaseEntry { Name = "bench" }, null, config);
        return new ServerConnection(pool, TimeProvider.System.GetTimestamp()) { Transport = TransportOver(socket) };
    }

    private (Socket, Socket) Track((Socket Near, Socket Far) pair)
    {
        _sockets.Add(pair.Near);
        _sockets.Add(pair.Far);
        return pair;
    }
}
