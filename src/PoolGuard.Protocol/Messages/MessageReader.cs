using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace PoolGuard.Protocol.Messages;

/// <summary>
/// Reads fields out of a message body during login and for the few messages the gateway
/// inspects. Not used for relayed traffic, which is forwarded without being parsed.
/// </summary>
public ref struct MessageReader
{
    private SequenceReader<byte> _reader;

    public MessageReader(ReadOnlySequence<byte> body) => _reader = new SequenceReader<byte>(body);

    public readonly long Remaining => _reader.Remaining;

    public bool TryReadInt32(out int value) => _reader.TryReadBigEndian(out value);

    public bool TryReadByte(out byte value) => _reader.TryRead(out value);

    /// <summary>Reads a NUL-terminated UTF-8 string.</summary>
    public bool TryReadCString(out string value)
    {
        if (_reader.TryReadTo(out ReadOnlySequence<byte> bytes, 0))
        {
            value = Encoding.UTF8.GetString(bytes);
            return true;
        }
        value = string.Empty;
        return false;
    }

    public bool TryReadBytes(int count, out byte[] value)
    {
        if (count < 0 || _reader.Remaining < count)
        {
            value = [];
            return false;
        }
        value = new byte[count];
        _reader.TryCopyTo(value);
        _reader.Advance(count);
        return true;
    }

    public static int ReadInt32(ReadOnlySpan<byte> span) => BinaryPrimitives.ReadInt32BigEndian(span);
}
