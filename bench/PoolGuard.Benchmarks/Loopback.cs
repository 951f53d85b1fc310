using System.Net;
using System.Net.Sockets;

namespace PoolGuard.Benchmarks;

/// <summary>Connected TCP socket pairs on 127.0.0.1, and a stand-in PostgreSQL that answers every Query.</summary>
internal static class Loopback
{
    public static (Socket Near, Socket Far) Pair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var near = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        near.Connect(listener.LocalEndPoint!);
        var far = listener.Accept();
        far.NoDelay = true;
        return (near, far);
    }

    /// <summary>
    /// Reads one <see cref="PgbenchMessages.Query"/> at a time and writes one
    /// <see cref="PgbenchMessages.Reply"/>, until the peer closes. Allocation-free per round trip.
    /// </summary>
    public static async Task ServeQueriesAsync(Socket socket)
    {
        var query = new byte[PgbenchMessages.QuerySize];
        ReadOnlyMemory<byte> reply = PgbenchMessages.Reply; // the ValueTask overload: no Task per send
        try
        {
            while (true)
            {
                for (var got = 0; got < query.Length;)
                {
                    var n = await socket.ReceiveAsync(query.AsMemory(got), SocketFlags.None).ConfigureAwait(false);
                    if (n == 0)
                    {
                        return;
                    }
                    got += n;
                }
                await socket.SendAsync(reply, SocketFlags.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Closed by the benchmark's cleanup.
        }
    }

    /// <summary>Blocking send and receive on the calling thread, so the benchmark itself allocates nothing.</summary>
    public static void RoundTrip(Socket send, Socket receive, byte[] request, byte[] replyBuffer)
    {
        send.Send(request);
        for (var got = 0; got < replyBuffer.Length;)
        {
            var n = receive.Receive(replyBuffer, got, replyBuffer.Length - got, SocketFlags.None);
            if (n == 0)
            {
                throw new InvalidOperationException("peer closed during the round trip");
            }
            got += n;
        }
    }
}
