using System.Net;
using System.Net.Sockets;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of PostgreSQL that holds every new connection for a while before
/// connecting it through: a slow server, so a test can act while the gateway is still logging in.
/// With refuseTls it answers SSLRequest with 'N' itself, as a PostgreSQL without ssl does.
/// <see cref="Freeze"/> stops all traffic both ways (and holds new connections, cancel requests
/// included) until <see cref="Thaw"/>: a network partition, or a PostgreSQL host that hangs.
/// </summary>
internal sealed class DelayingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _acceptLoop;

    private readonly bool _refuseTls;

    /// <summary>Completed while traffic flows; a pending task while frozen.</summary>
    private volatile TaskCompletionSource _flowing = Flowing();

    private DelayingProxy(string host, int port, TimeSpan connectDelay, bool refuseTls)
    {
        _refuseTls = refuseTls;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync(host, port, connectDelay);
    }

    public static DelayingProxy Start(string host, int port, TimeSpan connectDelay, bool refuseTls = false) => new(host, port, connectDelay, refuseTls);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>From now on nothing is forwarded and no new connection goes through; bytes already read are held.</summary>
    public void Freeze() => _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Traffic flows again, held bytes first.</summary>
    public void Thaw() => _flowing.TrySetResult();

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    private Task WhileFrozenAsync() => _flowing.Task.WaitAsync(_stop.Token);

    private async Task AcceptLoopAsync(string host, int port, TimeSpan connectDelay)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket downstream;
            try
            {
                downstream = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Track(downstream);
            _ = ForwardAsync(downstream, host, port, connectDelay);
        }
    }

    private async Task ForwardAsync(Socket downstream, string host, int port, TimeSpan connectDelay)
    {
        var upstream = Track(new Socket(SocketType.Stream, ProtocolType.Tcp));
        try
        {
            await Task.Delay(connectDelay, _stop.Token);
            await WhileFrozenAsync();
            await upstream.ConnectAsync(host, port, _stop.Token);
            if (_refuseTls)
            {
                await RefuseTlsAsync(downstream, upstream);
            }
            await Task.WhenAny(PumpAsync(downstream, upstream), PumpAsync(upstream, downstream));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            downstream.Dispose();
            upstream.Dispose();
        }
    }

    /// <summary>Reads the first 8 bytes: an SSLRequest gets 'N', anything else goes on to the server.</summary>
    private async Task RefuseTlsAsync(Socket downstream, Socket upstream)
    {
        var first = new byte[8];
        for (var read = 0; read < first.Length;)
        {
            var n = await downstream.ReceiveAsync(first.AsMemory(read), SocketFlags.None, _stop.Token);
            if (n == 0)
            {
                return;
            }
            read += n;
        }
        var isSslRequest = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(first.AsSpan(4)) == Protocol.Startup.StartupCodes.SslRequest;
        await (isSslRequest
            ? downstream.SendAsync("N"u8.ToArray(), SocketFlags.None, _stop.Token)
            : upstream.SendAsync(first, SocketFlags.None, _stop.Token));
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                await WhileFrozenAsync();
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private Socket Track(Socket socket)
    {
        lock (_sockets)
        {
            _sockets.Add(socket);
        }
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5));
        lock (_sockets)
        {
            _sockets.ForEach(s => s.Dispose());
        }
        _stop.Dispose();
    }
}
