using System.Buffers;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Timeouts;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Relay;

/// <summary>
/// Forwards a server's messages to its client. Headers are parsed to follow ReadyForQuery (the
/// transaction status decides whether the server can be reused) and ParameterStatus (so the
/// gateway knows each server's settings); everything else passes through untouched.
/// </summary>
internal sealed class ServerToClientPump(PgTransport client, ServerConnection server, RelayStop stop, SessionTimeouts? timeouts = null,
    StartupRestore? restore = null, ISessionIdleListener? idle = null)
    : ServerPump(server.Transport!.Reader, client, stop)
{
    /// <summary>ReadyForQuery messages seen in this relay (matched against StartupRestore's ordinals).</summary>
    private long _readySeen;

    private TaskCompletionSource? _drained;

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
        EndRelay(server);
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

    protected override HeaderDecision OnServerMessage(in ReadOnlySequence<byte> message, MessageHeader header)
    {
        if (restore is not null && restore.IsRestoreAnswer(_readySeen + 1))
        {
            return OnRestoreAnswer(message, header);
        }
        if (header.Type == BackendMessage.ReadyForQuery)
        {
            if (!TryReadStatus(message, out var status))
            {
                return HeaderDecision.WaitForMore;
            }
            var wasIdle = server.TransactionStatus == TransactionStatus.Idle;
            server.TransactionStatus = status;
            CountReadyForQuery(server, wasIdle, status);
            NoteReady();
            LastType = header.Type;
            return HeaderDecision.Forward;
        }
        if (TryRewriteQueryCancelled(timeouts, header))
        {
            return HeaderDecision.Forward;
        }
        if (header.Type == BackendMessage.ParameterStatus && !TryRecordParameterStatus(server, message, header, out _, out _))
        {
            return HeaderDecision.WaitForMore;
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
            if (!TryRecordParameterStatus(server, message, header, out _, out _))
            {
                return HeaderDecision.WaitForMore;
            }
            LastType = header.Type;
            return HeaderDecision.Forward;
        }
        if (header.Type == BackendMessage.ReadyForQuery)
        {
            if (!TryReadStatus(message, out var status))
            {
                return HeaderDecision.WaitForMore;
            }
            server.TransactionStatus = status;
            restore!.Answered();
            NoteReady();
        }
        Drop(header.TotalSize);
        return HeaderDecision.Forward;
    }
}
