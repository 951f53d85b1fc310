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
    private Task? _statsLoop;
    private int _clientCount;

    /// <summary>The file the configuration came from, read again by <see cref="Reload()"/>; null when built in code.</summary>
    private readonly string? _configFile;

    /// <summary>One reload at a time (SIGHUP, a file change and RELOAD may coincide).</summary>
    private readonly Lock _reloadLock = new();

    /// <param name="config">The validated configuration to start with.</param>
    /// <param name="configFile">The file it came from, read again by <see cref="Reload()"/>; null when built in code.</param>
    public GatewayServer(PoolGuardConfig config, ILoggerFactory? loggerFactory = null, TimeProvider? time = null, string? configFile = null)
    {
        _gateway = new GatewayContext(config, time ?? TimeProvider.System, loggerFactory ?? NullLoggerFactory.Instance);
        _gateway.Server = this;
        _gateway.Metrics.ClientConnections = () => ClientConnections;
        _configFile = configFile;
    }

    /// <summary>The configuration in force (after any reloads).</summary>
    public PoolGuardConfig Config => _gateway.Config;

    /// <summary>Where the gateway listens (the real port when configured with port 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_listener?.LocalEndPoint ?? throw new InvalidOperationException("not started"));

    public EventLog Events => _gateway.Events;

    /// <summary>Pause, resume, disable, enable, kill, reconnect, reload, set: each publishes its event.</summary>
    public Control.GatewayControl Control => _gateway.Control;

    /// <summary>Client connections open right now, in any state.</summary>
    public int ClientConnections => Volatile.Read(ref _clientCount);

    /// <summary>Server connections counted against the caps right now over all pools: open ones, and closed ones until PostgreSQL has ended their backends.</summary>
    public int ServerConnections => _gateway.Pools.OpenServers;

    public IReadOnlyList<PoolSnapshot> GetPools() => View.Pools();

    private EventFile? _eventFile;

    /// <summary>
    /// Loads the TLS certificate, key and CA files <paramref name="config"/> names and uses them for every
    /// handshake from now on; connections already encrypted keep theirs. Throws
    /// <see cref="PoolGuard.Config.Tls.TlsFileException"/> when a file cannot be used, and then nothing changes.
    /// </summary>
    public void ReloadTls(PoolGuardConfig config) => _gateway.Tls.Reload(config);

    /// <summary>
    /// Opens the event file (if configured) and starts listening. Throws <see cref="GatewayStartException"/>
    /// naming the setting when either cannot be done.
    /// </summary>
    public void Start()
    {
        var config = _gateway.Config;
        if (config.EventLogFile.Length > 0)
        {
            try
            {
                _eventFile = EventFile.Open(config.EventLogFile, message => _gateway.Logger.EventFileFailed(message));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new GatewayStartException($"EventLogFile / event_log_file: cannot open {config.EventLogFile} for appending: {ex.Message}", ex);
            }
            _gateway.Events.WriteTo(_eventFile);
        }
        // An address, or a host name such as "localhost" resolved once at start.
        var address = ResolveListenAddress(config.ListenAddress);
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // No ReuseAddress: on Linux .NET turns it into SO_REUSEPORT as well, which let a second
            // gateway listen on the same port with caps of its own, doubling what PostgreSQL sees.
            // Without it the port is ours alone; a restart still binds at once, as .NET sets plain
            // SO_REUSEADDR itself (connections left in TIME_WAIT do not hold the port).
            listener.Bind(new IPEndPoint(address, config.ListenPort));
            // The kernel caps this at somaxconn; a deep backlog absorbs connection storms.
            listener.Listen(4096);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new GatewayStartException($"ListenAddress / ListenPort: cannot listen on {config.ListenAddress}:{config.ListenPort}: {ex.Message}", ex);
        }
        _listener = listener;
        _gateway.Logger.Listening(LocalEndPoint.ToString());
        _gateway.Events.Publish(GatewayEventKind.Started, null, $"listening on {LocalEndPoint}");
        _acceptLoop = AcceptLoopAsync(listener);
        _maintenanceLoop = MaintenanceLoopAsync();
        _statsLoop = StatsLoopAsync();
    }

    private static IPAddress ResolveListenAddress(string listenAddress)
    {
        if (IPAddress.TryParse(listenAddress, out var parsed))
        {
            return parsed;
        }
        try
        {
            return Dns.GetHostAddresses(listenAddress).FirstOrDefault() ?? throw new SocketException((int)SocketError.HostNotFound);
        }
        catch (SocketException ex)
        {
            throw new GatewayStartException($"ListenAddress / listen_addr: cannot resolve {listenAddress}: {ex.Message}; use an IP address such as 127.0.0.1", ex);
        }
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

    /// <summary>
    /// Graceful stop: no new clients; every client ends with 57P01 at its next transaction boundary
    /// (at once when it is between transactions), so no transaction is cut off, for up to
    /// shutdown_timeout; clients still in a transaction then are closed anyway. Idle servers close last.
    /// </summary>
    public Task StopAsync() => StopAsync(_gateway.Config.ShutdownTimeout);

    /// <inheritdoc cref="StopAsync()"/>
    /// <param name="drainTimeout">How long transactions may run on; zero stops at once, infinite waits.</param>
    /// <param name="drainClients">False (SHUTDOWN WAIT_FOR_CLIENTS): clients are not told to leave; the stop waits for them to go by themselves.</param>
    public Task StopAsync(TimeSpan drainTimeout, bool drainClients = true)
    {
        lock (_stopLock)
        {
            _stop ??= StopCoreAsync(drainTimeout, drainClients);
        }
        return _stop;
    }

    /// <summary>How long sessions told to close after shutdown_timeout get before the stop goes on without them.</summary>
    public static readonly TimeSpan StuckSessionGrace = TimeSpan.FromSeconds(10);

    private readonly Lock _stopLock = new();
    private Task? _stop;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the gateway has stopped, however the stop was asked for (a signal, or SHUTDOWN on the console).</summary>
    public Task Stopped => _stopped.Task;

    private async Task StopCoreAsync(TimeSpan drainTimeout, bool drainClients)
    {
        try
        {
            await StopGatewayAsync(drainTimeout, drainClients).ConfigureAwait(false);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private async Task StopGatewayAsync(TimeSpan drainTimeout, bool drainClients)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        var sessions = _sessions.Count;
        _gateway.Events.Publish(GatewayEventKind.ShutdownStarted, null,
            !drainClients ? $"shutting down: waiting for {sessions} client(s) to disconnect"
                : drainTimeout == TimeSpan.Zero ? $"shutting down now: {sessions} client(s) closed"
                : $"shutting down: {sessions} client(s) get up to {drainTimeout.TotalSeconds:0.###} s to finish their transactions",
            new Dictionary<string, long> { ["clients"] = sessions, ["servers_open"] = _gateway.Pools.OpenServers, ["shutdown_timeout_ms"] = (long)drainTimeout.TotalMilliseconds });
        foreach (var client in _sessions.Keys)
        {
            if (client.IsConsole)
            {
                client.RequestShutdown(); // a console holds no transaction; it would only keep the stop waiting
            }
            else if (drainClients)
            {
                client.RequestDrain();
            }
        }
        if (!await AllSessionsEndedWithinAsync(drainTimeout).ConfigureAwait(false))
        {
            _gateway.Logger.SessionsStillInTransaction(_sessions.Count, drainTimeout.TotalSeconds);
            foreach (var client in _sessions.Keys)
            {
                client.RequestShutdown();
            }
            // Sessions end within moments of being told to; a stuck one must not hold up the exit.
            if (!await AllSessionsEndedWithinAsync(StuckSessionGrace).ConfigureAwait(false))
            {
                _gateway.Logger.SessionsStillOpen(_sessions.Count);
            }
        }
        if (_maintenanceLoop is not null)
        {
            await _maintenanceLoop.ConfigureAwait(false);
        }
        if (_statsLoop is not null)
        {
            await _statsLoop.ConfigureAwait(false);
        }
        _gateway.Pools.CloseIdle();
        _gateway.Events.Publish(GatewayEventKind.Stopped, null, "gateway stopped");
        _gateway.Logger.Stopped();
        if (_eventFile is { } file)
        {
            _gateway.Events.WriteTo(null);
            await file.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> AllSessionsEndedWithinAsync(TimeSpan timeout)
    {
        try
        {
            var all = Task.WhenAll(_sessions.Values);
            await (timeout == Timeout.InfiniteTimeSpan ? all : all.WaitAsync(timeout)).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _gateway.Metrics.Dispose();
        _stopping.Dispose();
    }
}
