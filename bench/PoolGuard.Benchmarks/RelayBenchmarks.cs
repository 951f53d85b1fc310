using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using PoolGuard.Gateway.Relay;

namespace PoolGuard.Benchmarks;

/// <summary>
/// One pgbench -S round trip (40-byte Query out, 100-byte reply of 4 messages back) over real
/// loopback sockets: straight to a stand-in server, through the server-to-client pump, and through
/// both pumps as a session-mode client sees it. The client side blocks on its sockets so that the
/// only allocations measured are the relay's (MemoryDiagnoser counts every thread).
/// Allocated / 4 = bytes per forwarded reply message; the goal is 0 B.
/// <see cref="TransactionRelayBenchmarks"/> measures the same exchange in transaction pooling mode.
/// </summary>
[MemoryDiagnoser]
public class RelayBenchmarks
{
    private readonly byte[] _reply = new byte[PgbenchMessages.ReplySize];
    private readonly LoopbackRig _rig = new();
    private Socket _send = null!;
    private Socket _receive = null!;

    [GlobalSetup(Target = nameof(Direct))]
    public void SetupDirect() => _send = _receive = _rig.StandInServer();

    /// <summary>client ⇄ PostgreSQL stand-in, no gateway: the floor for the two below.</summary>
    [Benchmark(Baseline = true)]
    public void Direct() => Loopback.RoundTrip(_send, _receive, PgbenchMessages.Query, _reply);

    [GlobalSetup(Target = nameof(ServerToClientPump))]
    public void SetupServerToClientPump()
    {
        var (client, gatewayClientSide) = _rig.Pair();
        var connection = _rig.StandInServerConnection();
        var pump = new ServerToClientPump(_rig.Transport(gatewayClientSide), connection, new RelayStop());
        _rig.Run(pump.RunAsync());
        // The Query goes straight onto the gateway's server socket, as ClientToServerPump would send it.
        _send = connection.Transport!.Socket;
        _receive = client;
    }

    /// <summary>Reply path only: server socket → pipe → header scan → client socket.</summary>
    [Benchmark]
    public void ServerToClientPump() => Loopback.RoundTrip(_send, _receive, PgbenchMessages.Query, _reply);

    [GlobalSetup(Target = nameof(BothPumps))]
    public void SetupBothPumps()
    {
        var (client, gatewayClientSide) = _rig.Pair();
        var connection = _rig.StandInServerConnection();
        var clientTransport = _rig.Transport(gatewayClientSide);
        _rig.Run(new ClientToServerPump(clientTransport, connection, new RelayStop()).RunAsync());
        _rig.Run(new ServerToClientPump(clientTransport, connection, new RelayStop()).RunAsync());
        _send = _receive = client;
    }

    /// <summary>The whole session-mode relay: client → gateway → server → gateway → client.</summary>
    [Benchmark]
    public void BothPumps() => Loopback.RoundTrip(_send, _receive, PgbenchMessages.Query, _reply);

    [GlobalCleanup]
    public void Cleanup() => _rig.Close();
}
