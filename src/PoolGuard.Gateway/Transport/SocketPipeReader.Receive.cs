using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace PoolGuard.Gateway.Transport;

/// <summary>
/// The receiving side of <see cref="SocketPipeReader"/>: where the next receive goes (a client's small
/// buffer, a rented one, compacted or grown) and what a finished receive changes. Runs under _sync.
/// </summary>
internal sealed partial class SocketPipeReader
{
    /// <summary>Starts a receive; true when it is in flight, false when it completed at once (state updated).</summary>
    private bool StartReceive()
    {
        var target = MakeRoom();
        ValueTask<int> receive;
        try
        {
            receive = _socket.ReceiveAsync(target, SocketFlags.None);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Received(0, target.Length, ex);
            return false;
        }
        if (receive.IsCompleted)
        {
            Land(receive, target.Length);
            return false;
        }
        _receiving = true;
        _receive = receive;
        _receiveSize = target.Length;
        receive.GetAwaiter().UnsafeOnCompleted(_onReceived);
        return true;
    }

    /// <summary>The free space after the data for the next receive: compacted, grown or swapped when short.</summary>
    private Memory<byte> MakeRoom()
    {
        if (_buffer is null)
        {
            _buffer = _small ?? ArrayPool<byte>.Shared.Rent(BufferSize);
            _start = _end = _examined = 0;
        }
        else if (ReferenceEquals(_buffer, _small))
        {
            if (_start < _end || _filled)
            {
                // Part of a message that did not fit, or a burst: move to a full-size buffer.
                Move(ArrayPool<byte>.Shared.Rent(BufferSize));
            }
            else
            {
                _start = _end = _examined = 0; // never a zero-length receive: that would read as the end
            }
        }
        else if (_buffer.Length - _end < MinimumReadSize)
        {
            var length = _end - _start;
            // A message bigger than the buffer that must be seen whole (login, a statement being mapped).
            Move(length + MinimumReadSize > _buffer.Length
                ? ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, length + MinimumReadSize))
                : _buffer);
        }
        return _buffer.AsMemory(_end);
    }

    /// <summary>Moves the unconsumed bytes to the front of <paramref name="target"/> (which may be the same buffer).</summary>
    private void Move(byte[] target)
    {
        var length = _end - _start;
        Buffer.BlockCopy(_buffer!, _start, target, 0, length);
        if (!ReferenceEquals(target, _buffer))
        {
            ReturnBuffer();
            _buffer = target;
        }
        _examined -= _start;
        _start = 0;
        _end = length;
    }

    private void OnReceived()
    {
        ReadResult result = default;
        Exception? error = null;
        lock (_sync)
        {
            _receiving = false;
            Land(_receive, _receiveSize);
            _receive = default;
            if (!_waiting)
            {
                if (_completed)
                {
                    ReturnBuffer();
                }
                return; // or the read was cancelled: the next one finds these bytes
            }
            if (_completed)
            {
                // Completed while this receive was in flight (the connection is being closed): the
                // buffer can go back now, and the waiting read ends as reads on a closed socket do.
                ReturnBuffer();
                error = _error ?? new ObjectDisposedException(nameof(SocketPipeReader));
                _error = null;
            }
            else
            {
                try
                {
                    while (!TryTakeResult(out result))
                    {
                        if (StartReceive())
                        {
                            return; // nothing the caller has not seen: the next receive is in flight
                        }
                    }
                }
                catch (Exception ex)
                {
                    error = ex;
                }
            }
            EndWait();
        }
        Finish(result, error);
    }

    private void Land(ValueTask<int> receive, int size)
    {
        try
        {
            Received(receive.GetAwaiter().GetResult(), size, null);
        }
        catch (Exception ex)
        {
            Received(0, size, ex);
        }
    }

    private void Received(int count, int size, Exception? error)
    {
        if (error is not null)
        {
            // As NetworkStream reports it, which is what the relay's callers expect.
            _error = error is SocketException socketError ? new IOException(socketError.Message, socketError) : error;
            return;
        }
        if (count == 0)
        {
            _endOfStream = true;
            return;
        }
        _end += count;
        _filled = count == size;
    }
}
