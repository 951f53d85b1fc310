using System.Buffers;
using System.Buffers.Binary;

namespace PoolGuard.Protocol.Messages;

/// <summary>
/// The 5-byte header every post-startup message starts with: a type byte and a big-endian
/// length that counts itself but not the type byte. The relay parses nothing else on its hot path.
/// </summary>
public readonly struct MessageHeader
{
    public const int Size = 5;

    /// <summary>PostgreSQL refuses messages over 1 GB; a larger length means garbage or an attack.</summary>
    public const int MaxLength = 0x40000000;

    public MessageHeader(byte type, int length)
    {
        Type = type;
        Length = length;
    }

    public byte Type { get; }

    /// <summary>Length as sent: includes the 4 length bytes, excludes the type byte.</summary>
    public int Length { get; }

    /// <summary>Bytes on the wire for the whole message, type byte included.</summary>
    public long TotalSize => Length + 1L;

    public int BodyLength => Length - 4;

    /// <summary>A length below 4 or above 1 GB cannot be a real message.</summary>
    public bool IsLengthValid => Length >= 4 && Length <= MaxLength;

    /// <summary>
    /// The buffer starts with a message of this type (false when it is empty). A non-empty sequence
    /// may begin with an empty segment (sliced at a segment's end), so the first span alone cannot say.
    /// </summary>
    public static bool StartsWith(in ReadOnlySequence<byte> buffer, byte type)
    {
        var first = buffer.FirstSpan;
        if (first.Length > 0)
        {
            return first[0] == type;
        }
        foreach (var segment in buffer)
        {
            if (!segment.IsEmpty)
            {
                return segment.Span[0] == type;
            }
        }
        return false;
    }

    public static bool TryRead(in ReadOnlySequence<byte> buffer, out MessageHeader header)
    {
        if (buffer.Length < Size)
        {
            header = default;
            return false;
        }

        Span<byte> scratch = stackalloc byte[Size];
        var first = buffer.FirstSpan;
        ReadOnlySpan<byte> bytes = first.Length >= Size ? first[..Size] : CopyTo(buffer, scratch);
        header = new MessageHeader(bytes[0], BinaryPrimitives.ReadInt32BigEndian(bytes[1..]));
        return true;
    }

    private static ReadOnlySpan<byte> CopyTo(in ReadOnlySequence<byte> buffer, Span<byte> scratch)
    {
        buffer.Slice(0, Size).CopyTo(scratch);
        return scratch;
    }
}
