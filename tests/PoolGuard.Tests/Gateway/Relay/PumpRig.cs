using System.Net;
using System.Net.Sockets;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Transport;
using PoolGuard.Testing.Buffers;

namespace PoolGuard.Tests.Gateway.Relay;

/// <summary>
/// What a pump needs around it, real where it can be: loopback socket pairs for what the pump
/// writes (the test reads the far end), a <see cref="ChunkedPipeReader"/> for what it reads, and a
/// real pool for the server connection.
/// </summary>
internal sealed class PumpRig : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly List<Socket> _sockets = [];

    public PumpRig()
    {
        Pools = new PoolSet(new PoolGuardConfig(), TimeProvider.System, new EventLog(TimeProvider.System));
        Pool = Pools.GetOrCreate(new PoolKey("db", "user"), new DatabaseEntry { Name = "db" }, null);
    }

    public PoolSet Pools { get; }

    public Pool Pool { get; }

    /// <summary>A transport that reads <paramref name="chunks"/> and writes to a socket whose far end is drained into the returned task.</summary>
    public (PgTransport Transport, Task<byte[]> Written) Transport(IReadOnlyList<byte[]> chunks, bool isServer = false) =>
        Transport(new ChunkedPipeReader(chunks), isServer);

    public (PgTransport Transport, Task<byte[]> Written) Transport(ChunkedPipeReader reader, bool isServer = false)
    {
        var (near, far) = Pair();
        return (new PgTransport(near, reader, isServer), Drain(far));
    }

    /// <summary>A server connection of the rig's pool over <paramref name="transport"/>.</summary>
    public ServerConnection Server(PgTransport transport) => new(Pool, 0) { Transport = transport };

    /// <summary>Closes <paramref name="transport"/> and returns every byte written to it.</summary>
    public static async Task<byte[]> WrittenAsync(PgTransport transport, Task<byte[]> written)
    {
        transport.Close();
        return await written.WaitAsync(Bound);
    }

    private (Socket Near, Socket Far) Pair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var near = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        near.Connect(listener.LocalEndPoint!);
        var far = listener.Accept();
        _sockets.Add(near);
        _sockets.Add(far);
        return (near, far);
    }

    private static async Task<byte[]> Drain(Socket far)
    {
        using var stream = new NetworkStream(far, ownsSocket: false);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }
}
