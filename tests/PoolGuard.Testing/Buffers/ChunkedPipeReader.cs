using System.Buffers;
using System.IO.Pipelines;

namespace PoolGuard.Testing.Buffers;

/// <summary>
/// A pipe reader that hands over a byte stream exactly as the test cut it: each read adds one more
/// chunk, as its own segment behind whatever the reader left unconsumed, so a message can start in
/// one read and end in the next, or span several segments of one read. After the last chunk the
/// stream ends (as a client or server closing its socket).
/// </summary>
public sealed class ChunkedPipeReader(IReadOnlyList<byte[]> chunks) : PipeReader
{
    private int _next;
    private ReadOnlySequence<byte> _unconsumed = ReadOnlySequence<byte>.Empty;
    private bool _cancelled;

    /// <summary>Reads the pump made, including the one that saw the end.</summary>
    public int Reads { get; private set; }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => new(Next());

    public override bool TryRead(out ReadResult result)
    {
        result = Next();
        return true;
    }

    private ReadResult Next()
    {
        Reads++;
        if (_cancelled)
        {
            _cancelled = false;
            return new ReadResult(_unconsumed, isCanceled: true, isCompleted: false);
        }
        if (_next < chunks.Count)
        {
            _unconsumed = SegmentedSequence.Append(_unconsumed, chunks[_next++]);
            return new ReadResult(_unconsumed, isCanceled: false, isCompleted: false);
        }
        return new ReadResult(_unconsumed, isCanceled: false, isCompleted: true);
    }

    public override void AdvanceTo(SequencePosition consumed) => _unconsumed = _unconsumed.Slice(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => AdvanceTo(consumed);

    public override void CancelPendingRead() => _cancelled = true;

    public override void Complete(Exception? exception = null)
    {
    }

    /// <summary>Cuts <paramref name="stream"/> at the given offsets (ascending, inside the stream).</summary>
    public static List<byte[]> Cut(byte[] stream, IEnumerable<int> offsets)
    {
        var chunks = new List<byte[]>();
        var start = 0;
        foreach (var offset in offsets.Where(o => o > 0 && o < stream.Length).Distinct().Order())
        {
            chunks.Add(stream[start..offset]);
            start = offset;
        }
        chunks.Add(stream[start..]);
        return chunks;
    }
}
