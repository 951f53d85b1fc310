using System.Buffers;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// One connection to PostgreSQL. Its <see cref="State"/> and list membership change only under
/// its pool's lock; the relay fields change only on the task that holds the server.
/// </summary>
internal sealed class ServerConnection
{
    private static long s_nextId;

    public ServerConnection(Pool pool, long now)
    {
        Pool = pool;
        Id = Interlocked.Increment(ref s_nextId);
        CreatedAt = now;
        LastUsedAt = now;
        IdleNode = new LinkedListNode<ServerConnection>(this);
    }

    public long Id { get; }

    /// <summary>RECONNECT asked for this server to be closed once its client is done with it (SHOW SERVERS close_needed).</summary>
    public bool CloseNeeded
    {
        get => Volatile.Read(ref _closeNeeded);
        set => Volatile.Write(ref _closeNeeded, value);
    }
    private bool _closeNeeded;
    public Pool Pool { get; }

    /// <summary>Guarded by its pool's lock.</summary>
    public ServerState State { get; set; } = ServerState.Login;

    /// <summary>Watches the socket while the server is idle in the pool (dead servers are never handed out).</summary>
    public ServerIdleWatch IdleWatch { get; } = new();

    /// <summary>Reused node so moving in and out of the idle list allocates nothing.</summary>
    public LinkedListNode<ServerConnection> IdleNode { get; }

    public PgTransport? Transport { get; set; }

    /// <summary>The server's real cancel key, used when a client's cancel request is routed here.</summary>
    public int BackendProcessId { get; set; }
    public int BackendSecretKey { get; set; }
    public string Host { get; set; } = "";
    public int Port { get; set; }

    /// <summary>ParameterStatus values the server last reported.</summary>
    public Dictionary<string, string> Parameters { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Timestamps from the gateway's TimeProvider.</summary>
    public long CreatedAt { get; }
    public long LastUsedAt { get; set; }

    /// <summary>Status byte of the last ReadyForQuery ('I' idle, 'T' in transaction, 'E' failed).</summary>
    public byte TransactionStatus { get; set; } = (byte)'I';

    /// <summary>Queries and Syncs forwarded whose ReadyForQuery has not come back yet.</summary>
    public int PendingReadyForQuery;

    /// <summary>Extended-protocol messages forwarded since the last Sync.</summary>
    public bool HasUnsyncedMessages { get; set; }

    /// <summary>
    /// The client settings this server was last made to match in transaction pooling; null when
    /// unknown (a client changed something). Compared by reference: sets are interned per pool.
    /// </summary>
    public ParameterSet? SyncedTo { get; set; }

    /// <summary>
    /// Settings beyond the tracked ones (statement_timeout from a client's options...) that the
    /// last settings query set here; the next client that did not ask for them gets them set back.
    /// </summary>
    public string[]? ExtraSettings { get; set; }

    /// <summary>
    /// The set whose unreported settings (search_path, statement_timeout...) the gateway last put on
    /// this server; null when unknown (a client ran SET, RESET or DISCARD ALL, or settings were applied another way).
    /// </summary>
    public ParameterSet? UnreportedFrom { get; set; }

    /// <summary>Prepared statements the gateway made on this server (transaction pooling).</summary>
    public ServerStatements? Statements { get; set; }

    // SHOW STATS / SHOW SERVERS bookkeeping (Stats.RelayStats): plain fields, one writer each at a time.
    /// <summary>Bytes the client direction has forwarded to this server, ever; written by the client pump.</summary>
    public long ClientBytes;
    /// <summary>How much of <see cref="ClientBytes"/> is already in the pool's statistics; written by the server pump.</summary>
    public long ClientBytesCounted;
    /// <summary>Stopwatch timestamp of the first message of the request in flight; 0 when none.</summary>
    public long RequestStartedAt;
    /// <summary>Stopwatch timestamp of the start of the open transaction; 0 outside one.</summary>
    public long XactStartedAt;
    /// <summary>Stopwatch timestamp of the last request a client sent through this server; 0 before any.</summary>
    public long LastRequestAt;

    /// <summary>Set when anything leaves it in a state the next client must not inherit.</summary>
    public bool IsDirty { get; set; }

    /// <summary>Clean enough to reset and reuse: nothing in flight, no transaction open.</summary>
    public bool IsReusable =>
        !IsDirty && Transport is { IsClosed: false } && Volatile.Read(ref PendingReadyForQuery) == 0
        && !HasUnsyncedMessages && TransactionStatus == (byte)'I';

    /// <summary>Records a ParameterStatus body (name, value) the server sent; returns them (nulls if malformed).</summary>
    public (string? Name, string? Value) RecordParameterStatus(ReadOnlySequence<byte> body)
    {
        var reader = new MessageReader(body);
        if (reader.TryReadCString(out var name) && reader.TryReadCString(out var value))
        {
            Parameters[name] = value;
            return (name, value);
        }
        return (null, null);
    }

    public override string ToString() => $"server #{Id} ({Pool.Key}, pid {BackendProcessId})";
}
