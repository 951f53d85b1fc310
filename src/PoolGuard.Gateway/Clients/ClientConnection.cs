using System.Net;
using System.Security.Cryptography;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Transport;

namespace PoolGuard.Gateway.Clients;

/// <summary>One client connection, from accept to close.</summary>
internal sealed class ClientConnection
{
    private static int s_nextProcessId = RandomNumberGenerator.GetInt32(1 << 20, 1 << 22);
    private readonly CancellationTokenSource _shutdown = new();

    public ClientConnection(PgTransport transport)
    {
        Transport = transport;
        Remote = transport.Socket.RemoteEndPoint as IPEndPoint;
        Local = transport.Socket.LocalEndPoint as IPEndPoint;
        // The client's cancel key is ours, not the server's: a server is shared over time, and a
        // stale key must never cancel another client's query.
        ProcessId = Interlocked.Increment(ref s_nextProcessId);
        SecretKey = RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue);
    }

    public PgTransport Transport { get; }
    public IPEndPoint? Remote { get; }
    public IPEndPoint? Local { get; }
    public int ProcessId { get; }
    public int SecretKey { get; }

    /// <summary>The client's place in its pool's counts.</summary>
    public ClientSlot Slot { get; } = new();

    public Pool? Pool { get; set; }
    public string User { get; set; } = "";
    public string Database { get; set; } = "";

    /// <summary>The client's application_name from its startup packet (SHOW CLIENTS).</summary>
    public string ApplicationName { get; set; } = "";

    /// <summary>Logged in to the admin console rather than to a pool.</summary>
    public bool IsConsole { get; set; }

    // Gateway TimeProvider timestamps for SHOW CLIENTS, written by the session's own task only.
    /// <summary>When the connection was accepted.</summary>
    public long ConnectedAt { get; set; }
    /// <summary>When the client last got a server (in transaction pooling, its last transaction's start).</summary>
    public long LastRequestAt { get; set; }
    /// <summary>When the client started waiting for a server; 0 when it is not waiting.</summary>
    public long WaitStartedAt { get; set; }

    /// <summary>The linked server, read by cancel routing on another thread.</summary>
    public ServerConnection? Server
    {
        get => Volatile.Read(ref _server);
        set => Volatile.Write(ref _server, value);
    }
    private ServerConnection? _server;

    /// <summary>Fires when the gateway shuts down and this client must go.</summary>
    public CancellationToken ShutdownToken => _shutdown.Token;

    /// <summary>What the client is told when it is shut down (null: the gateway is shutting down).</summary>
    public PoolGuard.Protocol.Errors.PgError? ShutdownReason { get; private set; }

    /// <summary>Ends the session now; <paramref name="reason"/> (e.g. KILL) replaces the usual shutdown message.</summary>
    public void RequestShutdown(PoolGuard.Protocol.Errors.PgError? reason = null)
    {
        ShutdownReason ??= reason;
        try
        {
            _shutdown.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>True once the gateway is shutting down gracefully: finish the transaction under way, then leave.</summary>
    public bool Draining => Volatile.Read(ref _draining) != 0;
    private int _draining;
    private Action? _drainHook;

    /// <summary>
    /// Asks the session to end at its next transaction boundary (now, if it is between transactions).
    /// The flag and the hook are each set with a full fence, so whichever of this and
    /// <see cref="OnDrain"/> runs second sees the other's write: the hook cannot be missed.
    /// </summary>
    public void RequestDrain()
    {
        Interlocked.Exchange(ref _draining, 1);
        Volatile.Read(ref _drainHook)?.Invoke();
    }

    /// <summary>What the session does when told to drain while it is idle; must be idempotent (it may run twice).</summary>
    public void OnDrain(Action? hook)
    {
        Interlocked.Exchange(ref _drainHook, hook);
        if (hook is not null && Draining)
        {
            hook();
        }
    }

    public override string ToString() => $"client {ProcessId} ({User}@{Database} from {Remote})";
}
