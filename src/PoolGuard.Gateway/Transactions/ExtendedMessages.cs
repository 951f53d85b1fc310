using System.Buffers;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Transactions;

/// <summary>Reading names out of extended-protocol messages (the messages the gateway makes up are written by PoolGuard.Protocol's MessageWriter).</summary>
internal static class ExtendedMessages
{
    /// <summary>
    /// The NUL-terminated strings at the start of a message's body (after <paramref name="skip"/>
    /// bytes), without their NULs. False when they have not all arrived.
    /// </summary>
    public static bool TryReadNames(in ReadOnlySequence<byte> message, int skip, Span<Range> names, out ReadOnlySpan<byte> prefix, out byte[]? rented)
    {
        rented = null;
        prefix = default;
        var available = message.Slice(MessageHeader.Size);
        var span = available.FirstSpan;
        if (!available.IsSingleSegment && span.Length < available.Length)
        {
            // Names are short; a prefix split over segments is copied (rare).
            var length = (int)Math.Min(available.Length, 4096);
            rented = ArrayPool<byte>.Shared.Rent(length);
            available.Slice(0, length).CopyTo(rented);
            span = rented.AsSpan(0, length);
        }
        var position = skip;
        for (var i = 0; i < names.Length; i++)
        {
            if (position > span.Length)
            {
                return false;
            }
            var end = span[position..].IndexOf((byte)0);
            if (end < 0)
            {
                return false;
            }
            names[i] = new Range(position, position + end);
            position += end + 1;
        }
        prefix = span[..position];
        return true;
    }
}
