using System.IO.Pipelines;
using PoolGuard.Gateway.Transport;

namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// A read kept waiting on a server's socket from the moment its client gives it back until the
/// next one takes it. An idle server has nothing to say, so a read that completes means it is
/// dying: terminated (pg_terminate_backend sends FATAL 57P01, then closes), or PostgreSQL went
/// away. Maintenance closes such a server within a second, and a client about to take one sees
/// it first and asks for another.
/// <para>
/// It costs no system call: the receive it starts is the one the next relay would start anyway
/// (ending the watch cancels only the wait, the receive stays in flight and the relay's first
/// read takes what it brings). Plain sockets only: a TLS stream cannot leave a read in flight
/// across a cancel, so TLS servers keep the check by poll() before they are handed out.
/// </para>
/// Started by whoever releases the server; ended by whoever takes it next, or by its closer.
/// The pool's lock orders the two.
/// </summary>
internal sealed class ServerIdleWatch
{
    private ValueTask<ReadResult> _read;
    private PipeReader? _reader;

    public bool IsWatching => _reader is not null;

    /// <summary>The server sent something, or closed, while idle.</summary>
    public bool SawInput => _reader is not null && _read.IsCompleted;

    public void Start(PgTransport? transport)
    {
        if (_reader is not null || transport is not { IsTls: false, IsClosed: false } || transport.Reader is not SocketPipeReader reader)
        {
            return;
        }
        try
        {
            _read = reader.ReadAsync();
            _reader = reader;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or IOException)
        {
            // Closed under us: whoever takes it next finds out on its own.
        }
    }

    /// <summary>Ends the watch; false when the server said something or closed meanwhile (it is dead).</summary>
    public async ValueTask<bool> EndAsync()
    {
        if (_reader is not { } reader)
        {
            return true;
        }
        _reader = null;
        if (!_read.IsCompleted)
        {
            reader.CancelPendingRead();
        }
        try
        {
            // Complete by now, except when data landed just as the cancel came: then it is a moment away.
            var result = await _read.ConfigureAwait(false);
            reader.AdvanceTo(result.Buffer.Start);
            return result.IsCanceled;
        }
        catch (Exception)
        {
            return false;
        }
        finally
        {
            _read = default;
        }
    }
}
