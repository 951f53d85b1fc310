using System.Buffers;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Relay;

/// <summary>
/// Forwards a client's messages to its server. The type byte is checked and the length
/// bounds-checked; Terminate is kept from the server, which outlives the client. The pump counts
/// what will need a ReadyForQuery so the server's state is known when the client leaves.
/// </summary>
internal sealed class ClientToServerPump(PgTransport client, ServerConnection server, RelayStop stop)
    : MessagePump(client.Reader, server.Transport!, stop)
{
    private ClientEnd? _end;

    /// <summary>Set when the pump stopped on a protocol violation: what to tell the client.</summary>
    public string? Violation { get; private set; }

    public async Task<ClientEnd> RunAsync() => await PumpAsync().ConfigureAwait(false) switch
    {
        PumpOutcome.Stopped => ClientEnd.Stopped,
        PumpOutcome.WriteFailed => ClientEnd.ServerWriteFailed,
        PumpOutcome.Ended => _end!.Value,
        _ => AtMessageBoundary ? ClientEnd.Disconnected : ClientEnd.DisconnectedMidMessage,
    };

    protected override bool Scan(in ReadOnlySequence<byte> buffer, out long forwardLength)
    {
        // Slicing forward from the last message, not from the buffer's start, keeps the walk
        // linear when a read spans many small segments.
        long position = 0;
        var rest = buffer;
        while (!rest.IsEmpty)
        {
            if (Remaining > 0)
            {
                var body = SkipBody(rest.Length);
                position += body;
                rest = rest.Slice(body);
                continue;
            }
            if (!MessageHeader.TryRead(rest, out var header))
            {
                break;
            }
            if (!FrontendMessage.IsValidAfterLogin(header.Type) || !header.IsLengthValid)
            {
                Violation = FrontendMessage.IsValidAfterLogin(header.Type)
                    ? $"invalid message length {header.Length} for message type '{(char)header.Type}'"
                    : $"invalid frontend message type {header.Type} ('{(char)header.Type}')";
                return End(ClientEnd.ProtocolViolation, position, out forwardLength);
            }
            if (header.Type == FrontendMessage.Terminate)
            {
                return End(ClientEnd.Terminated, position, out forwardLength);
            }
            Track(header.Type);
            Remaining = header.TotalSize;
        }
        forwardLength = position;
        return true;
    }

    private bool End(ClientEnd end, long position, out long forwardLength)
    {
        _end = end;
        forwardLength = position;
        return false;
    }

    private void Track(byte type)
    {
        switch (type)
        {
            case FrontendMessage.Query:
            case FrontendMessage.FunctionCall:
                Interlocked.Increment(ref server.PendingReadyForQuery);
                break;
            case FrontendMessage.Sync:
                Interlocked.Increment(ref server.PendingReadyForQuery);
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
