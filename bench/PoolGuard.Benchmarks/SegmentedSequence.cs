using System.Buffers;

namespace PoolGuard.Benchmarks;

/// <summary>Cuts a byte array into a chain of segments, as a pipe hands over data that spans several buffers.</summary>
internal static class SegmentedSequence
{
    /// <summary>Segments of <paramref name="segmentSize"/> bytes; 0 = one segment.</summary>
    public static ReadOnlySequence<byte> Create(byte[] bytes, int segmentSize)
    {
        if (segmentSize <= 0 || segmentSize >= bytes.Length)
        {
            return new ReadOnlySequence<byte>(bytes);
        }
        var first = new Segment(bytes.AsMemory(0, segmentSize), 0);
        var last = first;
        for (var start = segmentSize; start < bytes.Length; start += segmentSize)
        {
            last = last.Append(bytes.AsMemory(start, Math.Min(segmentSize, bytes.Length - start)));
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
