using System.Buffers;
using System.IO.Pipelines;
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
    /// <summary>The scanner found a reason to stop (Terminate, a violation).</summary>
    Ended,
    /// <summary>The source closed its side of the connection.</summary>
    SourceClosed,
}

/// <summary>
/// The relay loop both directions share: read what arrived, let the direction's scanner walk the
/// message headers, forward the scanned bytes straight from the read buffer (no copy), repeat.
/// A message's body streams through as it arrives; only headers are ever looked at.
/// </summary>
internal abstract class MessagePump(PipeReader source, PgTransport destination, RelayStop stop)
{
    /// <summary>Bytes of the current message still to forward; carried across reads.</summary>
    protected long Remaining;

    /// <summary>True when the pump stopped between two messages (nothing half-forwarded or half-read).</summary>
    public bool AtMessageBoundary { get; private set; } = true;

    /// <summary>What a direction decides about a message whose header has arrived.</summary>
    protected enum HeaderDecision
    {
        /// <summary>Forward it (its body streams through as it arrives).</summary>
        Forward,
        /// <summary>Its first bytes must be looked at and have not all arrived: wait for more.</summary>
        WaitForMore,
        /// <summary>End the pump before this message; what came before it is forwarded.</summary>
        Stop,
    }

    /// <summary>
    /// Called once per message, when its header is readable. <paramref name="message"/> starts at
    /// the header and holds whatever of the message (and beyond) has arrived.
    /// </summary>
    protected abstract HeaderDecision OnHeader(in ReadOnlySequence<byte> message, MessageHeader header);

    /// <summary>
    /// Walks the headers in <paramref name="buffer"/>, setting <paramref name="forwardLength"/> to
    /// the bytes that may go on; false when the direction asked to stop. Slicing forward from the
    /// last message (not from the buffer's start) keeps the walk linear over many small segments.
    /// </summary>
    private bool Scan(in ReadOnlySequence<byte> buffer, out long forwardLength)
    {
        long position = 0;
        var rest = buffer;
        while (!rest.IsEmpty)
        {
            if (Remaining > 0)
            {
                var body = Math.Min(Remaining, rest.Length);
                Remaining -= body;
                position += body;
                rest = rest.Slice(body);
                continue;
            }
            if (!MessageHeader.TryRead(rest, out var header))
            {
                break;
            }
            var decision = OnHeader(rest, header);
            if (decision == HeaderDecision.Stop)
            {
                forwardLength = position;
                return false;
            }
            if (decision == HeaderDecision.WaitForMore)
            {
                break;
            }
            Remaining = header.TotalSize;
        }
        forwardLength = position;
        return true;
    }

    protected async Task<PumpOutcome> PumpAsync()
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await source.ReadAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // A reset connection (RST) surfaces here, not as end of stream; it ends the source
                // the same way. Bytes of a message never forwarded do not matter to the other side.
                AtMessageBoundary = Remaining == 0;
                return PumpOutcome.SourceClosed;
            }
            var buffer = result.Buffer;
            if (result.IsCanceled && stop.IsRequested)
            {
                source.AdvanceTo(buffer.Start);
                AtMessageBoundary = Remaining == 0;
                return PumpOutcome.Stopped;
            }

            var keepGoing = Scan(buffer, out var forwardLength);
            if (forwardLength > 0)
            {
                try
                {
                    await destination.SendAsync(buffer.Slice(0, forwardLength)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException)
                {
                    source.AdvanceTo(buffer.End);
                    AtMessageBoundary = false;
                    return PumpOutcome.WriteFailed;
                }
            }
            source.AdvanceTo(buffer.GetPosition(forwardLength), buffer.End);
            AtMessageBoundary = Remaining == 0;

            if (!keepGoing)
            {
                return PumpOutcome.Ended;
            }
            if (result.IsCompleted)
            {
                AtMessageBoundary = Remaining == 0 && forwardLength == buffer.Length;
                return PumpOutcome.SourceClosed;
            }
        }
    }

}
