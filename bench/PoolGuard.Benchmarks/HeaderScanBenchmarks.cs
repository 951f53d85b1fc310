using System.Buffers;
using BenchmarkDotNet.Attributes;
using PoolGuard.Protocol.Messages;
using PoolGuard.Testing.Buffers;

namespace PoolGuard.Benchmarks;

/// <summary>
/// Walking message headers over what a server sends during pgbench -S: the relay's inner loop.
/// Times and allocations are per message (1,024 messages per invocation).
/// </summary>
[MemoryDiagnoser]
public class HeaderScanBenchmarks
{
    private const int Replies = 256;
    private const int Messages = Replies * PgbenchMessages.ReplyMessages;

    private ReadOnlySequence<byte> _stream;

    /// <summary>
    /// 0: one segment (the usual case: a read that fits one pipe buffer). 4096: a read spread over
    /// pool-sized buffers. 64: tiny segments, so many headers straddle two segments (the copy path).
    /// </summary>
    [Params(0, 4096, 64)]
    public int SegmentSize { get; set; }

    [GlobalSetup]
    public void Setup() => _stream = SegmentedSequence.Create(PgbenchMessages.Replies(Replies), SegmentSize);

    /// <summary>
    /// As the pumps first did it: one <c>buffer.Slice(position)</c> from the start of the
    /// read buffer per message (each slice walks the segment chain from the first segment).
    /// </summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public int SliceFromStart()
    {
        var buffer = _stream;
        var length = buffer.Length;
        long position = 0;
        var readyForQuery = 0;
        while (position < length)
        {
            var rest = buffer.Slice(position);
            if (!MessageHeader.TryRead(rest, out var header) || !header.IsLengthValid)
            {
                break;
            }
            if (header.Type == BackendMessage.ReadyForQuery)
            {
                readyForQuery += rest.Slice(MessageHeader.Size, 1).FirstSpan[0] == TransactionStatus.Idle ? 1 : 0;
            }
            position += header.TotalSize;
        }
        return Check(readyForQuery);
    }

    /// <summary>The same walk slicing from the previous message instead: cost independent of segment count.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public int SliceFromPrevious()
    {
        var rest = _stream;
        var readyForQuery = 0;
        while (MessageHeader.TryRead(rest, out var header) && header.IsLengthValid)
        {
            if (header.Type == BackendMessage.ReadyForQuery)
            {
                readyForQuery += rest.Slice(MessageHeader.Size, 1).FirstSpan[0] == TransactionStatus.Idle ? 1 : 0;
            }
            if (rest.Length < header.TotalSize)
            {
                break;
            }
            rest = rest.Slice(header.TotalSize);
        }
        return Check(readyForQuery);
    }

    private static int Check(int readyForQuery) =>
        readyForQuery == Replies ? readyForQuery : throw new InvalidOperationException($"saw {readyForQuery} ReadyForQuery, expected {Replies}");
}
