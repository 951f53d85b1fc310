using System.Buffers;
using System.IO.Pipelines;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Transport;

/// <summary>
/// Whole-message reads for the slow paths (login, reset, parameter setup), where a small
/// allocation per message is fine and clarity matters more than speed.
/// </summary>
internal static class MessageIO
{
    /// <summary>Login-phase messages are small; anything larger is refused rather than buffered.</summary>
    public const int MaxLoginMessageLength = 64 * 1024;

    public readonly record struct Message(byte Type, byte[] Body)
    {
        public ReadOnlySequence<byte> Sequence => new(Body);
    }

    /// <summary>Reads one message; null at end of stream. Throws ProtocolException on garbage.</summary>
    public static async ValueTask<Message?> ReadAsync(PipeReader reader, int maxLength, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (MessageHeader.TryRead(buffer, out var header))
            {
                if (!header.IsLengthValid || header.Length > maxLength)
                {
                    reader.AdvanceTo(buffer.Start);
                    throw new ProtocolException($"invalid message length {header.Length} for message type '{(char)header.Type}'");
                }
                if (buffer.Length >= header.TotalSize)
                {
                    var body = buffer.Slice(MessageHeader.Size, header.BodyLength).ToArray();
                    reader.AdvanceTo(buffer.GetPosition(header.TotalSize));
                    return new Message(header.Type, body);
                }
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Builds a message (or several) with <paramref name="write"/> and sends it in one write.</summary>
    public static async ValueTask SendAsync(PgTransport transport, Action<IBufferWriter<byte>> write, CancellationToken cancellationToken = default)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        write(buffer);
        await transport.SendAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The peer broke the protocol; the connection is ended with 08P01.</summary>
internal sealed class ProtocolException(string message) : Exception(message);
