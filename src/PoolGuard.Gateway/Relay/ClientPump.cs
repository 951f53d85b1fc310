using System.Buffers;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Relay;

/// <summary>
/// What both client-side pumps (session and transaction pooling) do the same way: every header
/// checked against the frontend message rules (a violation ends the pump, naming what was wrong),
/// Terminate kept from the server (which outlives the client), and the pump's outcome told as a
/// <see cref="ClientEnd"/>. A subclass sees only valid messages other than Terminate.
/// </summary>
internal abstract class ClientPump(PgTransport client, PgTransport destination, RelayStop stop)
    : MessagePump(client.Reader, destination, stop)
{
    private ClientEnd? _end;

    /// <summary>Set when the pump stopped on a protocol violation: what to tell the client.</summary>
    public string? Violation { get; private set; }

    public async Task<ClientEnd> RunAsync() => await PumpAsync().ConfigureAwait(false) switch
    {
        PumpOutcome.Stopped => ClientEnd.Stopped,
        PumpOutcome.WriteFailed => ClientEnd.ServerWriteFailed,
        PumpOutcome.Ended => _end ?? ClientEnd.Stopped,
        _ => AtMessageBoundary ? ClientEnd.Disconnected : ClientEnd.DisconnectedMidMessage,
    };

    protected sealed override HeaderDecision OnHeader(in ReadOnlySequence<byte> message, MessageHeader header)
    {
        if (ClientMessageRules.Check(header) is { } violation)
        {
            return End(ClientEnd.ProtocolViolation, violation);
        }
        if (header.Type == FrontendMessage.Terminate)
        {
            return End(ClientEnd.Terminated, null);
        }
        return OnClientMessage(message, header);
    }

    /// <summary>A valid client message other than Terminate: forward, rewrite, wait for more, or stop.</summary>
    protected abstract HeaderDecision OnClientMessage(in ReadOnlySequence<byte> message, MessageHeader header);

    /// <summary>Ends the pump (at the current message, which is not forwarded) for this reason.</summary>
    protected HeaderDecision End(ClientEnd end, string? violation)
    {
        _end = end;
        Violation = violation;
        return HeaderDecision.Stop;
    }
}
