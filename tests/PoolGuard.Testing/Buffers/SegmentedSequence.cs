using System.Buffers;

namespace PoolGuard.Testing.Buffers;

/// <summary>
/// Byte sequences made of several segments, as a pipe hands over data that spans buffers: the
/// case where a message header or body is cut between two memories, which one array never shows.
/// </summary>
public static class SegmentedSequence
{
    /// <summary>Cuts <paramref name="bytes"/> into segments of <paramref name="segmentSize"/> bytes; 0 = one segment.</summary>
    public static ReadOnlySequence<byte> Create(byte[] bytes, int segmentSize)
    {
        if (segmentSize <= 0 || segmentSize >= bytes.Length)
        {
            return new ReadOnlySequence<byte>(bytes);
        }
        var pieces = new List<ReadOnlyMemory<byte>>();
        for (var start = 0; start < bytes.Length; start += segmentSize)
        {
            pieces.Add(bytes.AsMemory(start, Math.Min(segmentSize, bytes.Length - start)));
        }
        return Of(pieces);
    }

    /// <summary><paramref name="rest"/> with its segments kept, and <paramref name="chunk"/> as one more segment behind them.</summary>
    public static ReadOnlySequence<byte> Append(ReadOnlySequence<byte> rest, ReadOnlyMemory<byte> chunk)
    {
        var pieces = new List<ReadOnlyMemory<byte>>();
        foreach (var memory in rest)
        {
            pieces.Add(memory);
        }
        pieces.Add(chunk);
        return Of(pieces);
    }

    /// <summary>One segment per non-empty piece, in order (an empty sequence when every piece is empty).</summary>
    public static ReadOnlySequence<byte> Of(IEnumerable<ReadOnlyMemory<byte>> pieces)
    {
        Segment? first = null, last = null;
        foreach (var memory in pieces)
        {
            if (memory.IsEmpty)
            {
                continue;
            }
            var segment = new Segment(memory, last is null ? 0 : last.RunningIndex + last.Memory.Length);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.SetNext(segment);
            }
            last = segment;
        }
        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
