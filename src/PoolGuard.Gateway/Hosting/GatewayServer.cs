using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Clients;
using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Transport;

namespace PoolGuard.Gateway.Hosting;

/// <summary>
/// The gateway: accepts clients on the listen address, runs a session per client, and keeps the
/// pools tidy in the background. Start it, read its pools and events, stop it.
/// </summary>
public sealed partial class GatewayServer : IAsyncDisposable
{
    private readonly GatewayContext _gateway;
    private readonly ConcurrentDictionary<ClientConnection, Task> _sessions = new();
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task? _acceptLoop;
    private Task? _maintenanceLoop;
    private int _clientCount;

    public GatewayServer(PoolGuardConfig config, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        _gateway = new GatewayContext(config, time ?? TimeProvider.System, loggerFactory ?? NullLoggerFactory.Instance);
    }

    /// <summary>Where the gateway listens (the real port when configured with port 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_listener?.LocalEndPoint ?? throw new InvalidOperationException("not started"));

    public EventLog Events => _gateway.Events;

    /// <summary>Client connections open right now, in any state.</summary>
    public int ClientConnections => Volatile.Read(ref _clientCount);

    /// <summary>Server connections open right now over all pools.</summary>
    public int ServerConnections => _gateway.Pools.OpenServers;

    public IReadOnlyList<PoolSnapshot> GetPools() => _gateway.Pools.Snapshot();

    /// <summary>
    /// Loads the TLS certificate, key and CA files <paramref name="config"/> names and uses them for every
    /// handshake from now on; connections already encrypted keep theirs. Throws
    /// <see cref="PoolGuard.Config.Tls.TlsFileException"/> when a file cannot be used, and then nothing changes.
    /// </summary>
    public void ReloadTls(PoolGuardConfig config) => _gateway.Tls.Reload(config);

    public void Start()
    {
        var config = _gateway.Config;
        // An address, or a host name such as "localhost" resolved once at start.
        var address = IPAddress.TryParse(config.ListenAddress, out var parsed)
            ? parsed
            : Dns.GetHostAddresses(config.ListenAddress).FirstOrDefault()
                ?? throw new SocketException((int)SocketError.HostNotFound);
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(address, config.ListenPort));
            // The kernel caps this at somaxconn; a deep backlog absorbs connection storms.
            listener.Listen(4096);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        _gateway.Logger.Listening(LocalEndPoint.ToString());
        _gateway.Events.Publish(GatewayEventKind.Started, null, $"listening on {LocalEndPoint}");
        _acceptLoop = AcceptLoopAsync(listener);
        _maintenanceLoop = MaintenanceLoopAsync();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // A client that reset before accept completed; keep serving the others.
            }

            var client = new ClientConnection(new PgTransport(socket));
            var count = Interlocked.Increment(ref _clientCount);
            var session = count > _gateway.Config.MaxClientConn
                ? RefuseAsync(client)
                : new ClientSession(_gateway, client).RunAsync();
            _sessions[client] = session;
            _ = session.ContinueWith(_ =>
            {
                _sessions.TryRemove(client, out Task? _);
                Interlocked.Decrement(ref _clientCount);
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        foreach (var client in _sessions.Keys)
        {
            client.RequestShutdown();
        }
        try
        {
            // Sessions end within moments of being told to; a stuck one must not hold up the exit.
            await Task.WhenAll(_sessions.Values).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _gateway.Logger.SessionsStillOpen(_sessions.Count);
        }
        if (_maintenanceLoop is not null)
        {
            await _maintenanceLoop.ConfigureAwait(false);
        }
        _gateway.Pools.CloseIdle();
        _gateway.Events.Publish(GatewayEventKind.Stopped, null, "gateway stopped");
        _gateway.Logger.Stopped();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
