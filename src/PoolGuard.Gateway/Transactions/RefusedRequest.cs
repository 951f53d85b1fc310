using System.Buffers;
using PoolGuard.Gateway.Relay;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Transactions;

/// <summary>
/// A request the pool refused (its wait queue full) from a client that stays connected. It is
/// dropped the way PostgreSQL drops a failed one: a simple Query (or function call) alone; an
/// extended-protocol batch up to and including its Sync, which is then answered with ReadyForQuery.
/// The ErrorResponse itself goes out at once, so a client waiting on a Flush hears it too.
/// </summary>
internal sealed class RefusedRequest
{
    /// <summary>Bytes of a message being dropped that have not arrived yet.</summary>
    private long _skip;

    /// <summary>The message being skipped ends the request.</summary>
    private bool _endsAfterSkip;

    /// <summary>An extended-protocol message was seen: everything up to the Sync belongs to the request.</summary>
    private bool _untilSync;

    public bool Active { get; private set; }

    /// <summary>Set when a dropped message's header was invalid: the client broke the protocol.</summary>
    public string? Violation { get; private set; }

    public void Begin()
    {
        Active = true;
        _skip = 0;
        _endsAfterSkip = false;
        _untilSync = false;
    }

    /// <summary>
    /// Drops the refused request's bytes from the front of <paramref name="buffer"/> and returns how
    /// many; <paramref name="ended"/> when its last message went (answer ReadyForQuery now). A Terminate
    /// ends the refusal unanswered and is left in the buffer.
    /// </summary>
    public long Drop(in ReadOnlySequence<byte> buffer, out bool ended)
    {
        ended = false;
        var rest = buffer;
        long consumed = 0;
        if (_skip > 0)
        {
            var part = Math.Min(_skip, rest.Length);
            _skip -= part;
            consumed += part;
            rest = rest.Slice(part);
            if (_skip > 0)
            {
                return consumed;
            }
            if (_endsAfterSkip)
            {
                return Finish(consumed, out ended);
            }
        }
        while (MessageHeader.TryRead(rest, out var header))
        {
            if (ClientMessageRules.Check(header) is { } violation)
            {
                Violation = violation;
                Active = false;
                return consumed;
            }
            var type = header.Type;
            if (type == FrontendMessage.Terminate)
            {
                Active = false;
                return consumed;
            }
            var endsHere = type == FrontendMessage.Sync
                || (!_untilSync && type is FrontendMessage.Query or FrontendMessage.FunctionCall);
            _untilSync |= !endsHere;
            if (rest.Length < header.TotalSize)
            {
                _skip = header.TotalSize - rest.Length;
                _endsAfterSkip = endsHere;
                return consumed + rest.Length;
            }
            consumed += header.TotalSize;
            rest = rest.Slice(header.TotalSize);
            if (endsHere)
            {
                return Finish(consumed, out ended);
            }
        }
        return consumed;
    }

    private long Finish(long consumed, out bool ended)
    {
        ended = true;
        Active = false;
        return consumed;
    }
}
