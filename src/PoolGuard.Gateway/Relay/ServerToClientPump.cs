using System.Buffers;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Stats;
using PoolGuard.Gateway.Timeouts;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Relay;

/// <summary>
/// Forwards a server's messages to its client. Headers are parsed to follow ReadyForQuery (the
/// transaction status decides whether the server can be reused) and ParameterStatus (so the
/// gateway knows each server's settings); everything else passes through untouched.
/// </summary>
internal sealed class ServerToClientPump(PgTransport client, ServerConnection server, RelayStop stop, SessionTimeouts? timeouts = null,
    StartupRestore? restore = null, ISessionIdleListener? idle = null)
    : MessagePump(server.Transport!.Reader, client, stop)
{
    /// <summary>ParameterStatus messages larger than this are forwarded without being recorded.</summary>
    private const int MaxInspectedLength = 8 * 1024;

    /// <summary>ReadyForQuery messages seen in this relay (matched against StartupRestore's ordinals).</summary>
    private long _readySeen;

    /// <summary>Type of the last message forwarded; tells whether the server said why it closed.</summary>
    public byte LastType { get; private set; }

    private TaskCompletionSource? _drained;

    private volatile bool _awaitsCopyData;

    /// <summary>The server started a COPY FROM STDIN and waits for the client's data (only the client can end it).</summary>
    public bool AwaitsCopyData => _awaitsCopyData;

    /// <summary>Bytes forwarded to the client and not yet in the statistics (SHOW STATS total_sent).</summary>
    private long _sent;

    /// <summary>
    /// Completes once every query forwarded so far has been answered up to its ReadyForQuery. The
    /// last answer is still forwarded: a stop request only takes effect at the pump's next read.
    /// </summary>
    public Task WhenDrainedAsync()
    {
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _drained, drained);
        if (Volatile.Read(ref server.PendingReadyForQuery) <= 0)
        {
            drained.TrySetResult();
        }
        return drained.Task;
    }

    public async Task<ServerEnd> RunAsync()
    {
        var outcome = await PumpAsync().ConfigureAwait(false);
        RelayStats.OnRelayEnd(server, _sent);
        _sent = 0;
        if (outcome != PumpOutcome.Stopped)
        {
            // Whatever else happened, this server's stream can no longer be trusted.
            server.IsDirty = true;
        }
        return outcome switch
        {
            PumpOutcome.Stopped => ServerEnd.Stopped,
            PumpOutcome.WriteFailed => ServerEnd.ClientWriteFailed,
            PumpOutcome.Ended => ServerEnd.ProtocolViolation,
            _ => ServerEnd.Disconnected,
        };
    }

    protected override HeaderDecision OnHeader(in ReadOnlySequence<byte> message, MessageHeader header)
    {
        if (!header.IsLengthValid)
        {
            return HeaderDecision.Stop;
        }
        _awaitsCopyData = ServerWaitsForClient.AwaitsCopyData(_awaitsCopyData, header.Type);
        if (restore is not null && restore.IsRestoreAnswer(_readySeen + 1))
        {
            return OnRestoreAnswer(message, header);
        }
        if (header.Type == BackendMessage.ReadyForQuery)
        {
            if (message.Length < MessageHeader.Size + 1)
            {
                return HeaderDecision.WaitForMore;
            }
            var wasIdle = server.TransactionStatus == TransactionStatus.Idle;
            server.TransactionStatus = message.Slice(MessageHeader.Size, 1).FirstSpan[0];
            RelayStats.OnReadyForQuery(server, wasIdle, server.TransactionStatus, _sent);
            _sent = 0;
            NoteReady();
            LastType = header.Type;
            return HeaderDecision.Forward;
        }
        if (header.Type == BackendMessage.ErrorResponse && timeouts?.TakeQueryCancelled() == true)
        {
            ErrorResponseWriter.WriteError(Emit(), QueryTimeoutError.For(timeouts.Duration(TimeoutKind.Query)));
            Drop(header.TotalSize);
        }
        else if (header.Type == BackendMessage.ParameterStatus && header.TotalSize <= MaxInspectedLength)
        {
            if (message.Length < header.TotalSize)
            {
                return HeaderDecision.WaitForMore;
            }
            server.RecordParameterStatus(message.Slice(MessageHeader.Size, header.BodyLength));
        }
        LastType = header.Type;
        return HeaderDecision.Forward;
    }

    private void NoteReady()
    {
        _readySeen++;
        var pending = Interlocked.Decrement(ref server.PendingReadyForQuery);
        if (pending <= 0)
        {
            Volatile.Read(ref _drained)?.TrySetResult();
            if (server.TransactionStatus == TransactionStatus.Idle)
            {
                idle?.OnSessionIdle();
            }
        }
        timeouts?.OnReadyForQuery(server.TransactionStatus, pending > 0);
    }

    /// <summary>The answer to the gateway's restore of the startup settings: only its ParameterStatus messages reach the client.</summary>
    private HeaderDecision OnRestoreAnswer(in ReadOnlySequence<byte> message, MessageHeader header)
    {
        if (header.Type == BackendMessage.ParameterStatus && header.TotalSize <= MaxInspectedLength)
        {
            if (message.Length < header.TotalSize)
            {
                return HeaderDecision.WaitForMore;
            }
            server.RecordParameterStatus(message.Slice(MessageHeader.Size, header.BodyLength));
            LastType = header.Type;
            return HeaderDecision.Forward;
        }
        if (header.Type == BackendMessage.ReadyForQuery)
        {
            if (message.Length < MessageHeader.Size + 1)
            {
                return HeaderDecision.WaitForMore;
            }
            server.TransactionStatus = message.Slice(MessageHeader.Size, 1).FirstSpan[0];
            restore!.Answered();
            NoteReady();
        }
        Drop(header.TotalSize);
        return HeaderDecision.Forward;
    }

    /// <summary>Counted per read; a read's bytes reach the statistics at the next ReadyForQuery or when the relay ends.</summary>
    protected override void OnForwarded(long bytes) => _sent += bytes;
}
