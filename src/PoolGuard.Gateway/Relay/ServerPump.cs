using System.Buffers;
using System.IO.Pipelines;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Stats;
using PoolGuard.Gateway.Timeouts;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Relay;

/// <summary>
/// What both server-side pumps (session and transaction pooling) do the same way: a header whose
/// length cannot be right ends the pump; the type of the last message forwarded is kept (it tells
/// whether the server said why it closed); COPY FROM STDIN is followed (only the client can end
/// it); the bytes forwarded are counted for SHOW STATS and handed over at each ReadyForQuery; small
/// ParameterStatus messages are recorded on the server; and the ErrorResponse of a query the
/// gateway cancelled for query_timeout is rewritten to say so.
/// </summary>
internal abstract class ServerPump(PipeReader source, PgTransport client, RelayStop stop)
    : MessagePump(source, client, stop)
{
    /// <summary>ParameterStatus messages larger than this are forwarded without being recorded.</summary>
    protected const int MaxInspectedLength = 8 * 1024;

    private volatile bool _awaitsCopyData;

    /// <summary>Bytes forwarded to the client and not yet in the statistics (SHOW STATS total_sent).</summary>
    private long _sent;

    /// <summary>Type of the last message forwarded; tells whether the server said why it closed.</summary>
    public byte LastType { get; protected set; }

    /// <summary>The server started a COPY FROM STDIN and waits for the client's data (only the client can end it).</summary>
    public bool AwaitsCopyData => _awaitsCopyData;

    protected sealed override HeaderDecision OnHeader(in ReadOnlySequence<byte> message, MessageHeader header)
    {
        if (!header.IsLengthValid)
        {
            LastType = 0;
            return HeaderDecision.Stop;
        }
        _awaitsCopyData = ServerWaitsForClient.AwaitsCopyData(_awaitsCopyData, header.Type);
        return OnServerMessage(message, header);
    }

    /// <summary>A server message with a plausible length: forward, rewrite, drop, wait for more, or stop.</summary>
    protected abstract HeaderDecision OnServerMessage(in ReadOnlySequence<byte> message, MessageHeader header);

    /// <summary>Counted per read; a read's bytes reach the statistics at the next ReadyForQuery or when the relay ends.</summary>
    protected sealed override void OnForwarded(long bytes) => _sent += bytes;

    /// <summary>A new relay on this pump (transaction pooling reuses one pump for every link): nothing carried over.</summary>
    protected void BeginRelay() => _awaitsCopyData = false;

    /// <summary>The relay is over: bytes not yet counted go to the server's pool statistics.</summary>
    protected void EndRelay(ServerConnection server) => RelayStats.OnRelayEnd(server, TakeSent());

    /// <summary>A client's query ended at this ReadyForQuery: one query (and maybe one transaction) and its bytes, for SHOW STATS.</summary>
    protected void CountReadyForQuery(ServerConnection server, bool wasIdle, byte status) =>
        RelayStats.OnReadyForQuery(server, wasIdle, status, TakeSent());

    private long TakeSent()
    {
        var sent = _sent;
        _sent = 0;
        return sent;
    }

    /// <summary>A ReadyForQuery's transaction status; false until its body has arrived (wait for more).</summary>
    protected static bool TryReadStatus(in ReadOnlySequence<byte> message, out byte status)
    {
        if (message.Length < MessageHeader.Size + 1)
        {
            status = 0;
            return false;
        }
        status = message.Slice(MessageHeader.Size, 1).FirstSpan[0];
        return true;
    }

    /// <summary>
    /// Records a ParameterStatus on <paramref name="server"/> when it is small enough to inspect:
    /// false until the whole message has arrived (wait for more); the setting's name is null when it
    /// was not recorded (too large, or not a setting the server tracks).
    /// </summary>
    protected static bool TryRecordParameterStatus(ServerConnection server, in ReadOnlySequence<byte> message, MessageHeader header,
        out string? name, out string? value)
    {
        name = value = null;
        if (header.TotalSize > MaxInspectedLength)
        {
            return true;
        }
        if (message.Length < header.TotalSize)
        {
            return false;
        }
        (name, value) = server.RecordParameterStatus(message.Slice(MessageHeader.Size, header.BodyLength));
        return true;
    }

    /// <summary>
    /// The ErrorResponse that answers a query the gateway cancelled for query_timeout: replaced by
    /// one that names the setting (PostgreSQL's says only "canceling statement due to user request").
    /// </summary>
    protected bool TryRewriteQueryCancelled(SessionTimeouts? timeouts, MessageHeader header)
    {
        if (header.Type != BackendMessage.ErrorResponse || timeouts?.TakeQueryCancelled() != true)
        {
            return false;
        }
        ErrorResponseWriter.WriteError(Emit(), QueryTimeoutError.For(timeouts.Duration(TimeoutKind.Query)));
        Drop(header.TotalSize);
        LastType = BackendMessage.ErrorResponse;
        return true;
    }
}
