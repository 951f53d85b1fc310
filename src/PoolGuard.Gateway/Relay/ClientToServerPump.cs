using System.Buffers;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Relay;

/// <summary>
/// Forwards a client's messages to its server. Only headers are parsed: the type is checked,
/// the length bounds-checked, and bytes go out as they arrive without being copied or waiting
/// for a whole message. Terminate is kept from the server, which outlives the client.
/// </summary>
internal sealed class ClientToServerPump(PgTransport client, ServerConnection server, RelayStop stop)
{
    /// <summary>Set when the pump stops on a protocol violation: what to tell the client.</summary>
    public string? Violation { get; private set; }

    public async Task<ClientEnd> RunAsync()
    {
        var reader = client.Reader;
        var serverTransport = server.Transport!;
        long remaining = 0;
        while (true)
        {
            var result = await reader.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled && stop.IsRequested)
            {
                reader.AdvanceTo(buffer.Start);
                return ClientEnd.Stopped;
            }

            var end = Scan(buffer, ref remaining, out var forwardLength);
            if (forwardLength > 0)
            {
                try
                {
                    await serverTransport.SendAsync(buffer.Slice(0, forwardLength)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException)
                {
                    reader.AdvanceTo(buffer.End);
                    return ClientEnd.ServerWriteFailed;
                }
            }
            reader.AdvanceTo(buffer.GetPosition(forwardLength), buffer.End);

            if (end is { } ended)
            {
                return ended;
            }
            if (result.IsCompleted)
            {
                return remaining > 0 || forwardLength < buffer.Length ? ClientEnd.DisconnectedMidMessage : ClientEnd.Disconnected;
            }
        }
    }

    /// <summary>
    /// Walks message headers in <paramref name="buffer"/>; returns how many bytes to forward and,
    /// when the client ended or misbehaved, why. <paramref name="remaining"/> carries the unsent
    /// part of a message across reads.
    /// </summary>
    private ClientEnd? Scan(in ReadOnlySequence<byte> buffer, ref long remaining, out long forwardLength)
    {
        long position = 0;
        var length = buffer.Length;
        while (position < length)
        {
            if (remaining > 0)
            {
                var take = Math.Min(remaining, length - position);
                position += take;
                remaining -= take;
                continue;
            }
            if (!MessageHeader.TryRead(buffer.Slice(position), out var header))
            {
                break;
            }
            if (!FrontendMessage.IsValidAfterLogin(header.Type))
            {
                Violation = $"invalid frontend message type {header.Type} ('{(char)header.Type}')";
                forwardLength = position;
                return ClientEnd.ProtocolViolation;
            }
            if (!header.IsLengthValid)
            {
                Violation = $"invalid message length {header.Length} for message type '{(char)header.Type}'";
                forwardLength = position;
                return ClientEnd.ProtocolViolation;
            }
            if (header.Type == FrontendMessage.Terminate)
            {
                forwardLength = position;
                return ClientEnd.Terminated;
            }
            Track(header.Type);
            remaining = header.TotalSize;
        }
        forwardLength = position;
        return null;
    }

    /// <summary>Counts what will need a ReadyForQuery, so a released server's state is known.</summary>
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
