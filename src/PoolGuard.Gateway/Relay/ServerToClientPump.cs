using System.Buffers;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Relay;

/// <summary>
/// Forwards a server's messages to its client. Headers are parsed to follow ReadyForQuery (the
/// transaction status decides whether the server can be reused) and ParameterStatus (so the
/// gateway knows each server's settings); everything else passes through untouched.
/// </summary>
internal sealed class ServerToClientPump(PgTransport client, ServerConnection server, RelayStop stop)
{
    /// <summary>ParameterStatus messages larger than this are forwarded without being recorded.</summary>
    private const int MaxInspectedLength = 8 * 1024;

    /// <summary>Type of the last message forwarded; tells whether the server said why it closed.</summary>
    public byte LastType { get; private set; }

    /// <summary>True when the pump stopped between two messages.</summary>
    public bool AtMessageBoundary { get; private set; } = true;

    public async Task<ServerEnd> RunAsync()
    {
        var reader = server.Transport!.Reader;
        long remaining = 0;
        while (true)
        {
            var result = await reader.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled && stop.IsRequested)
            {
                reader.AdvanceTo(buffer.Start);
                AtMessageBoundary = remaining == 0;
                return ServerEnd.Stopped;
            }

            var valid = Scan(buffer, ref remaining, out var forwardLength);
            if (forwardLength > 0)
            {
                try
                {
                    await client.SendAsync(buffer.Slice(0, forwardLength)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException)
                {
                    reader.AdvanceTo(buffer.End);
                    server.IsDirty = true;
                    return ServerEnd.ClientWriteFailed;
                }
            }
            reader.AdvanceTo(buffer.GetPosition(forwardLength), buffer.End);
            AtMessageBoundary = remaining == 0;

            if (!valid)
            {
                server.IsDirty = true;
                return ServerEnd.ProtocolViolation;
            }
            if (result.IsCompleted)
            {
                server.IsDirty = true;
                AtMessageBoundary = remaining == 0 && forwardLength == buffer.Length;
                return ServerEnd.Disconnected;
            }
        }
    }

    private bool Scan(in ReadOnlySequence<byte> buffer, ref long remaining, out long forwardLength)
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
            var rest = buffer.Slice(position);
            if (!MessageHeader.TryRead(rest, out var header))
            {
                break;
            }
            if (!header.IsLengthValid)
            {
                forwardLength = position;
                return false;
            }
            if (header.Type == BackendMessage.ReadyForQuery)
            {
                if (rest.Length < MessageHeader.Size + 1)
                {
                    break;
                }
                server.TransactionStatus = rest.Slice(MessageHeader.Size, 1).FirstSpan[0];
                Interlocked.Decrement(ref server.PendingReadyForQuery);
            }
            else if (header.Type == BackendMessage.ParameterStatus && header.TotalSize <= MaxInspectedLength)
            {
                if (rest.Length < header.TotalSize)
                {
                    break;
                }
                server.RecordParameterStatus(rest.Slice(MessageHeader.Size, header.BodyLength));
            }
            LastType = header.Type;
            remaining = header.TotalSize;
        }
        forwardLength = position;
        return true;
    }
}
