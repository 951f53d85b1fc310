using System.Buffers;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.SessionCommands;
using PoolGuard.Gateway.Stats;
using PoolGuard.Gateway.Timeouts;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Relay;

/// <summary>
/// Forwards a client's messages to its server. The type byte is checked and the length
/// bounds-checked (ClientPump); the pump counts
/// what will need a ReadyForQuery so the server's state is known when the client leaves.
/// </summary>
internal sealed class ClientToServerPump(PgTransport client, ServerConnection server, RelayStop stop, SessionTimeouts? timeouts = null,
    StartupRestore? restore = null)
    : ClientPump(client, server.Transport!, stop)
{
    /// <summary>Messages sent that the server ends with a ReadyForQuery (the ordinal of the last one).</summary>
    private long _readyExpected;

    protected override HeaderDecision OnClientMessage(in ReadOnlySequence<byte> message, MessageHeader header)
    {
        if (restore is not null && header.Type == FrontendMessage.Query && header.BodyLength is > 1 and <= SqlWords.MaxLength)
        {
            if (message.Length < header.TotalSize)
            {
                // Short enough to be DISCARD ALL or RESET ALL: read it whole (the header alone may have arrived).
                return HeaderDecision.WaitForMore;
            }
            if (SqlWords.MayBeCommand(message.Slice(MessageHeader.Size, 1).FirstSpan[0]) && IsSessionReset(message, header))
            {
                // The client's reset, then the restore of its startup settings (the message is short: copied).
                var writer = Emit();
                var copy = writer.GetSpan((int)header.TotalSize);
                message.Slice(0, header.TotalSize).CopyTo(copy);
                writer.Advance((int)header.TotalSize);
                writer.Write(restore.Query);
                Drop(header.TotalSize);
                Track(FrontendMessage.Query);
                Track(FrontendMessage.Query);
                restore.Sent(_readyExpected);
                RelayStats.OnClientRequest(server);
                timeouts?.OnClientData(true);
                return HeaderDecision.Forward;
            }
        }
        Track(header.Type);
        RelayStats.OnClientRequest(server);
        timeouts?.OnClientData(Volatile.Read(ref server.PendingReadyForQuery) > 0);
        return HeaderDecision.Forward;
    }

    protected override void OnForwarded(long bytes) => RelayStats.OnClientBytes(server, bytes);

    private static bool IsSessionReset(in ReadOnlySequence<byte> message, MessageHeader header)
    {
        Span<byte> sql = stackalloc byte[SqlWords.MaxLength];
        message.Slice(MessageHeader.Size, header.BodyLength).CopyTo(sql);
        return ResetCommand.TryParse(sql[..(header.BodyLength - 1)]) is ResetKind.DiscardAll or ResetKind.ResetAll;
    }

    private void Track(byte type)
    {
        switch (type)
        {
            case FrontendMessage.Query:
            case FrontendMessage.FunctionCall:
                Interlocked.Increment(ref server.PendingReadyForQuery);
                _readyExpected++;
                break;
            case FrontendMessage.Sync:
                Interlocked.Increment(ref server.PendingReadyForQuery);
                _readyExpected++;
                server.HasUnsyncedMessages = false;
                break;
            case FrontendMessage.Parse:
            case FrontendMessage.Bind:
            case FrontendMessage.Describe:
            case FrontendMessage.Execute:
            case FrontendMessage.Close:
            case FrontendMessage.Flush:
                server.HasUnsyncedMessages = true;
                break;
        }
    }
}
