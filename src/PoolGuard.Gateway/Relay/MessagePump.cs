using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using PoolGuard.Gateway.Async;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Relay;

/// <summary>How a pump's loop ended; each direction maps it to its own end reason.</summary>
internal enum PumpOutcome
{
    /// <summary>Asked to stop (<see cref="RelayStop"/>).</summary>
    Stopped,
    /// <summary>Writing to the destination failed: the other side is gone.</summary>
    WriteFailed,
    /// <summary>The scanner found a reason to stop (Terminate, a violation, a transaction's end).</summary>
    Ended,
    /// <summary>The source closed its side of the connection.</summary>
    SourceClosed,
}

/// <summary>
/// The relay loop every direction shares: read what arrived, let the direction's scanner walk the
/// message headers, forward the scanned bytes straight from the read buffer (no copy), repeat.
/// A message's body streams through as it arrives; only headers are ever looked at.
/// A scanner may also rewrite the stream — emit messages of its own, drop a message or the start
/// of one — and then that one read's output is assembled in a reused buffer instead; the plain
/// forwarding path never copies.
/// </summary>
internal abstract class MessagePump(PipeReader source, PgTransport destination, RelayStop stop)
{
    /// <summary>Bytes of the current message still to forward; carried across reads.</summary>
    protected long Remaining;

    /// <summary>Bytes of the current message still to drop; carried across reads.</summary>
    private long _skipRemaining;

    // Rewriting state for the read being scanned: once anything is emitted or dropped, the read's
    // output is assembled in _output; _accounted is how far into the read it has been assembled.
    // Made on first use: most pumps never rewrite, and idle clients must stay small.
    private ArrayBufferWriter<byte>? _output;
    private ReadOnlySequence<byte> _scanBuffer;
    private long _scanPosition;
    private long _accounted;
    private bool _rewriting;
    private long _dropNext;

    protected PipeReader Source { get; set; } = source;
    protected PgTransport Destination { get; set; } = destination;

    /// <summary>True while the pump is inside a message (forwarding or dropping the rest of it).</summary>
    protected bool MidMessage => Remaining > 0 || _skipRemaining > 0;

    /// <summary>
    /// Set by a scan that could not run (what it needed changed under it): the read is given back
    /// untouched and read again, after <see cref="BeforeScanAsync"/> has had another go.
    /// </summary>
    protected bool RetryRead { get; set; }

    /// <summary>True when the pump stopped between two messages (nothing half-forwarded or half-read).</summary>
    public bool AtMessageBoundary { get; private set; } = true;

    /// <summary>What a direction decides about a message whose header has arrived.</summary>
    protected enum HeaderDecision
    {
        /// <summary>Forward it (its body streams through as it arrives), minus what <see cref="Drop"/> asked for.</summary>
        Forward,
        /// <summary>Its first bytes must be looked at and have not all arrived: wait for more.</summary>
        WaitForMore,
        /// <summary>End the pump before this message; what came before it is forwarded.</summary>
        Stop,
        /// <summary>Forward this message, which has arrived whole, then end the pump.</summary>
        StopAfter,
    }

    /// <summary>
    /// Called once per message, when its header is readable. <paramref name="message"/> starts at
    /// the header and holds whatever of the message (and beyond) has arrived.
    /// </summary>
    protected abstract HeaderDecision OnHeader(in ReadOnlySequence<byte> message, MessageHeader header);

    /// <summary>
    /// From <see cref="OnHeader"/>: a writer for bytes to send before the current message (and before
    /// whatever of it is still forwarded).
    /// </summary>
    protected IBufferWriter<byte> Emit()
    {
        CatchUp(_scanPosition);
        return _output!;
    }

    /// <summary>From <see cref="OnHeader"/>: drop the first <paramref name="count"/> bytes of the current message.</summary>
    protected void Drop(long count)
    {
        CatchUp(_scanPosition);
        _dropNext = count;
    }

    /// <summary>Switches the read to rewriting, copying the forwarded bytes up to <paramref name="position"/>.</summary>
    private void CatchUp(long position)
    {
        _output ??= new ArrayBufferWriter<byte>(256);
        if (position > _accounted)
        {
            foreach (var segment in _scanBuffer.Slice(_accounted, position - _accounted))
            {
                _output.Write(segment.Span);
            }
        }
        _accounted = position;
        _rewriting = true;
    }

    /// <summary>
    /// Walks the headers in <paramref name="buffer"/>, setting <paramref name="consumed"/> to the
    /// bytes dealt with; false when the direction asked to stop. Slicing forward from the last
    /// message (not from the buffer's start) keeps the walk linear over many small segments.
    /// </summary>
    protected virtual bool Scan(in ReadOnlySequence<byte> buffer, out long consumed)
    {
        _scanBuffer = buffer;
        _accounted = 0;
        _rewriting = false;
        long position = 0;
        var rest = buffer;
        var stopAfter = false;
        var keepGoing = true;
        while (!rest.IsEmpty)
        {
            if (_skipRemaining > 0)
            {
                CatchUp(position);
                var skipped = Math.Min(_skipRemaining, rest.Length);
                _skipRemaining -= skipped;
                position += skipped;
                _accounted = position;
                rest = rest.Slice(skipped);
                continue;
            }
            if (Remaining > 0)
            {
                var body = Math.Min(Remaining, rest.Length);
                Remaining -= body;
                position += body;
                rest = rest.Slice(body);
                continue;
            }
            if (stopAfter)
            {
                keepGoing = false;
                break;
            }
            if (!MessageHeader.TryRead(rest, out var header))
            {
                break;
            }
            _scanPosition = position;
            _dropNext = 0;
            var decision = OnHeader(rest, header);
            if (decision == HeaderDecision.Stop)
            {
                keepGoing = false;
                break;
            }
            if (decision == HeaderDecision.WaitForMore)
            {
                break;
            }
            stopAfter = decision == HeaderDecision.StopAfter;
            _skipRemaining = _dropNext;
            Remaining = header.TotalSize - _dropNext;
        }
        if (stopAfter && Remaining == 0 && _skipRemaining == 0)
        {
            keepGoing = false;
        }
        if (_rewriting)
        {
            CatchUp(position);
        }
        _scanBuffer = default;
        consumed = position;
        return keepGoing;
    }

    /// <summary>After each read's scanned bytes went out: <paramref name="bytes"/> of the source were forwarded (once per read, not per message).</summary>
    protected virtual void OnForwarded(long bytes)
    {
    }

    /// <summary>What a direction makes of a read before it is scanned.</summary>
    protected enum Prelude
    {
        /// <summary>Scan and forward it as usual.</summary>
        Scan,
        /// <summary>Dealt with entirely (answered without forwarding): consume it all.</summary>
        Consumed,
        /// <summary>The first <see cref="PreludeConsumed"/> bytes were dealt with; read the rest again.</summary>
        ConsumedSome,
        /// <summary>End the pump.</summary>
        Stop,
    }

    /// <summary>
    /// Runs before each non-empty read is scanned; a direction that must first get something ready
    /// (a server for a client that has none) does it here.
    /// </summary>
    protected virtual ValueTask<Prelude> BeforeScanAsync(ReadOnlySequence<byte> buffer) => ValueTask.FromResult(Prelude.Scan);

    /// <summary>With <see cref="Prelude.ConsumedSome"/>: how many bytes of the read were dealt with.</summary>
    protected long PreludeConsumed { get; set; }

    // Pooled: transaction pooling runs a server pump per transaction, and a Task per run would be
    // garbage on the hottest path.
    [AsyncMethodBuilder(typeof(ReusedValueTaskMethodBuilder<>))]
    protected async ValueTask<PumpOutcome> PumpAsync()
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await Source.ReadAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // A reset connection (RST) surfaces here, not as end of stream; it ends the source
                // the same way. Bytes of a message never forwarded do not matter to the other side.
                AtMessageBoundary = Remaining == 0 && _skipRemaining == 0;
                return PumpOutcome.SourceClosed;
            }
            var buffer = result.Buffer;
            if (result.IsCanceled && stop.IsRequested)
            {
                Source.AdvanceTo(buffer.Start);
                AtMessageBoundary = Remaining == 0 && _skipRemaining == 0;
                return PumpOutcome.Stopped;
            }

            if (!buffer.IsEmpty)
            {
                var prelude = await BeforeScanAsync(buffer).ConfigureAwait(false);
                if (prelude == Prelude.Stop)
                {
                    Source.AdvanceTo(buffer.Start);
                    return PumpOutcome.Ended;
                }
                if (prelude == Prelude.Consumed)
                {
                    Source.AdvanceTo(buffer.End);
                    continue;
                }
                if (prelude == Prelude.ConsumedSome)
                {
                    if (PreludeConsumed == 0 && result.IsCompleted)
                    {
                        // The client ended inside a header: nothing more will complete it.
                        Source.AdvanceTo(buffer.End);
                        AtMessageBoundary = false;
                        return PumpOutcome.SourceClosed;
                    }
                    // Nothing used: wait for more bytes; something used: the rest is read again at once.
                    var usedTo = buffer.GetPosition(PreludeConsumed);
                    Source.AdvanceTo(usedTo, PreludeConsumed == 0 ? buffer.End : usedTo);
                    continue;
                }
            }

            var keepGoing = Scan(buffer, out var consumed);
            if (RetryRead)
            {
                RetryRead = false;
                Source.AdvanceTo(buffer.Start);
                continue;
            }
            var sent = await SendAsync(buffer, consumed).ConfigureAwait(false);
            if (!sent)
            {
                Source.AdvanceTo(buffer.End);
                AtMessageBoundary = false;
                return PumpOutcome.WriteFailed;
            }
            if (consumed > 0)
            {
                OnForwarded(consumed);
            }
            var consumedTo = buffer.GetPosition(consumed);
            // A stopped pump leaves what follows for whoever reads next, and it must not be marked
            // examined, or that next read would wait for new bytes although some are already here.
            Source.AdvanceTo(consumedTo, keepGoing ? buffer.End : consumedTo);
            AtMessageBoundary = Remaining == 0 && _skipRemaining == 0;

            if (!keepGoing)
            {
                return PumpOutcome.Ended;
            }
            if (result.IsCompleted)
            {
                AtMessageBoundary = AtMessageBoundary && consumed == buffer.Length;
                return PumpOutcome.SourceClosed;
            }
        }
    }

    /// <summary>Keeps a small rewrite buffer for next time; one grown by a huge message goes back to the GC.</summary>
    private void ReleaseOutput()
    {
        if (_output is { Capacity: > 64 * 1024 })
        {
            _output = null;
        }
        else
        {
            _output?.ResetWrittenCount();
        }
    }

    [AsyncMethodBuilder(typeof(ReusedValueTaskMethodBuilder<>))]
    private async ValueTask<bool> SendAsync(ReadOnlySequence<byte> buffer, long consumed)
    {
        try
        {
            if (_rewriting)
            {
                _rewriting = false;
                if (_output!.WrittenCount > 0)
                {
                    await Destination.SendAsync(_output.WrittenMemory).ConfigureAwait(false);
                }
                ReleaseOutput();
            }
            else if (consumed > 0)
            {
                await Destination.SendAsync(buffer.Slice(0, consumed)).ConfigureAwait(false);
            }
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            ReleaseOutput();
            return false;
        }
    }
}
