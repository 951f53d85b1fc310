using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace PoolGuard.Gateway.Transport;

/// <summary>
/// A PipeReader straight over a plain socket: one contiguous buffer, one receive at a time, and the
/// reader itself is the source of the ValueTask a waiting read returns. It replaces
/// PipeReader.Create(NetworkStream), whose stream layer, buffer segments and per-read async box
/// showed up in a profile of pgbench -S through the gateway (~200 B of garbage and several frames
/// per read). TLS connections keep the stream-based reader.
///
/// A client reader waits in a small buffer of its own (128 bytes, enough for a whole pgbench
/// query) and rents an 8 KB one only for a message or a burst that does not fit, giving it back once
/// consumed: 10,000 idle clients hold 1.3 MB of receive buffers, and a client's message costs one
/// receive where a zero-byte "tell me when readable" wait costs three syscalls (peek, peek, receive).
/// A server reader keeps one 8 KB buffer: servers are few and busy.
///
/// CancelPendingRead answers a waiting read at once (IsCanceled) without cancelling the socket's
/// receive; that receive stays in flight and the next read takes what it brings. Everything the
/// receive callback shares with the reading side is guarded by the connection's own lock. It is
/// held while a receive is started (a non-blocking syscall that may complete at once), never while
/// waiting, and never while the caller's continuation runs; only a cancel or a close of this same
/// connection ever contends for it.
/// </summary>
internal sealed partial class SocketPipeReader : PipeReader, IValueTaskSource<ReadResult>
{
    private const int BufferSize = 8192;
    private const int MinimumReadSize = 2048;
    private const int SmallBufferSize = 128;

    private readonly Socket _socket;
    private readonly byte[]? _small; // a client's own buffer; null for servers
    private readonly Lock _sync = new();
    private readonly Action _onReceived;

    private byte[]? _buffer;
    private int _start;     // first unconsumed byte
    private int _end;       // end of received bytes
    private int _examined;  // the caller has seen up to here; a read waits for bytes beyond it
    private bool _endOfStream;
    private Exception? _error;
    private bool _completed;

    private bool _receiving;       // a socket receive is in flight
    private bool _filled;          // the last receive filled the space it was given: more is likely coming
    private ValueTask<int> _receive;
    private int _receiveSize;
    private bool _waiting;         // a read is waiting for _core
    private bool _cancelPending;   // CancelPendingRead with no read waiting: the next read is cancelled
    private CancellationToken _waitToken;
    private CancellationTokenRegistration _waitRegistration;
    private ManualResetValueTaskSourceCore<ReadResult> _core;

    public SocketPipeReader(Socket socket, bool isClient)
    {
        _socket = socket;
        _small = isClient ? new byte[SmallBufferSize] : null;
        _onReceived = OnReceived;
    }

    /// <summary>True while the reader holds a rented 8 KB buffer (an idle client's reader should not).</summary>
    internal bool HoldsPooledBuffer
    {
        get
        {
            lock (_sync)
            {
                return _buffer is not null && !ReferenceEquals(_buffer, _small);
            }
        }
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            if (_waiting)
            {
                throw new InvalidOperationException("a read is already pending on this connection");
            }
            cancellationToken.ThrowIfCancellationRequested();
            while (true)
            {
                if (TryTakeResult(out var ready))
                {
                    return new ValueTask<ReadResult>(ready);
                }
                if (!_receiving && !StartReceive())
                {
                    continue; // it completed at once: look again
                }
                _waiting = true;
                _core.Reset();
                if (cancellationToken.CanBeCanceled)
                {
                    _waitToken = cancellationToken;
                    // Slow paths only (login, cancel, close): the boxed state is fine there.
                    _waitRegistration = cancellationToken.UnsafeRegister(
                        static s => { var (reader, wait) = ((SocketPipeReader, short))s!; reader.OnWaitCancelled(wait); },
                        (this, _core.Version));
                }
                return new ValueTask<ReadResult>(this, _core.Version);
            }
        }
    }

    public override bool TryRead(out ReadResult result)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            return TryTakeResult(out result);
        }
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        lock (_sync)
        {
            var consumedAt = IndexOf(consumed);
            var examinedAt = Math.Max(IndexOf(examined), consumedAt);
            if (consumedAt < _start || examinedAt > _end)
            {
                throw new InvalidOperationException("AdvanceTo past the data that was read");
            }
            _start = consumedAt;
            _examined = examinedAt;
            if (_start == _end && !_receiving)
            {
                // Everything consumed: start over at the front. A client that is not streaming
                // goes back to its small buffer.
                _start = _end = _examined = 0;
                if (_small is not null && !_filled)
                {
                    ReturnBuffer();
                }
            }
        }
    }

    public override void CancelPendingRead()
    {
        ReadResult cancelled;
        lock (_sync)
        {
            if (!_waiting)
            {
                _cancelPending = true;
                return;
            }
            cancelled = new ReadResult(Current, isCanceled: true, isCompleted: false);
            EndWait();
        }
        Finish(cancelled, null);
    }

    public override void Complete(Exception? exception = null)
    {
        lock (_sync)
        {
            if (_completed)
            {
                return;
            }
            _completed = true;
            // A receive in flight may still write into the buffer: it goes back to the pool when that lands.
            if (!_receiving)
            {
                ReturnBuffer();
            }
        }
    }

    private ReadOnlySequence<byte> Current =>
        _buffer is null ? default : new ReadOnlySequence<byte>(_buffer, _start, _end - _start);

    /// <summary>A result for the caller now, when there is one: a pending cancel, new bytes, the end, or an error.</summary>
    private bool TryTakeResult(out ReadResult result)
    {
        if (_cancelPending)
        {
            _cancelPending = false;
            result = new ReadResult(Current, isCanceled: true, isCompleted: _endOfStream);
            return true;
        }
        if (_end > _examined || _endOfStream)
        {
            result = new ReadResult(Current, isCanceled: false, isCompleted: _endOfStream);
            return true;
        }
        if (_error is { } error)
        {
            _error = null;
            _endOfStream = true;
            throw error;
        }
        result = default;
        return false;
    }

    private void OnWaitCancelled(short wait)
    {
        CancellationToken token;
        lock (_sync)
        {
            if (!_waiting || _core.Version != wait)
            {
                return; // that read already ended
            }
            token = _waitToken;
            EndWait();
        }
        Finish(default, new OperationCanceledException(token));
    }

    /// <summary>Under the lock: the waiting read is about to be answered; nothing else may answer it.</summary>
    private void EndWait()
    {
        _waiting = false;
        _waitToken = default;
        // Without waiting for a running callback: it takes _sync and finds this read ended.
        _waitRegistration.Unregister();
        _waitRegistration = default;
    }

    /// <summary>
    /// Answers the read, outside the lock: the caller's continuation runs inline from here and goes
    /// on to relay (send, take pool locks); holding _sync across that would stall CancelPendingRead.
    /// </summary>
    private void Finish(ReadResult result, Exception? error)
    {
        if (error is null)
        {
            _core.SetResult(result);
        }
        else
        {
            _core.SetException(error);
        }
    }

    /// <summary>Gives a rented buffer back; a client falls back to its own small one.</summary>
    private void ReturnBuffer()
    {
        if (_buffer is { } buffer && !ReferenceEquals(buffer, _small))
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        _buffer = _small;
    }

    /// <summary>Where a position the caller got from <see cref="Current"/> points in the buffer.</summary>
    private int IndexOf(SequencePosition position)
    {
        var owner = position.GetObject();
        if (owner is null)
        {
            return _start; // from an empty result (a default sequence)
        }
        if (!ReferenceEquals(owner, _buffer))
        {
            throw new InvalidOperationException("AdvanceTo with a position from an earlier buffer");
        }
        return position.GetInteger() & int.MaxValue;
    }

    ReadResult IValueTaskSource<ReadResult>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
