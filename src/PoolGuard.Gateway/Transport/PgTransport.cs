using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace PoolGuard.Gateway.Transport;

/// <summary>
/// One TCP connection (client or server side): a socket, a pipe reader over it (SocketPipeReader),
/// and writes straight to the socket. A client with nothing to say holds only a 128-byte receive
/// buffer: what keeps 10,000 idle clients cheap.
/// Writes are not synchronised: at any moment exactly one task owns the write side.
/// A connection that negotiates TLS swaps its stream for an SslStream once, before its startup
/// packet (PgTransport.Tls.cs); plain connections keep the NetworkStream and pay nothing for it.
/// </summary>
internal sealed partial class PgTransport
{
    // For TLS connections, whose reader reads the SslStream. 8 KB covers a whole pgbench round trip
    // and most result pages in one read; buffers come from the shared pool and go back as soon as a
    // read is consumed. Clients are many and often idle, so they wait with zero-byte reads (an idle
    // TLS client then holds no record buffer); servers are few and busy, so they skip that extra
    // syscall per read. Plain sockets are read by SocketPipeReader instead.
    private static readonly StreamPipeReaderOptions s_clientReaderOptions =
        new(bufferSize: 8192, minimumReadSize: 2048, leaveOpen: true, useZeroByteReads: true);
    private static readonly StreamPipeReaderOptions s_serverReaderOptions =
        new(bufferSize: 8192, minimumReadSize: 2048, leaveOpen: true, useZeroByteReads: false);

    // The NetworkStream, or the SslStream over it after TLS was negotiated. Typed Stream: the calls were
    // virtual on NetworkStream already, so plain connections see no extra indirection.
    private Stream _stream;
    private readonly bool _isServer;
    private int _closed;

    public PgTransport(Socket socket, bool isServer = false)
    {
        Socket = socket;
        socket.NoDelay = true;
        _isServer = isServer;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Reader = new SocketPipeReader(socket, isClient: !isServer);
    }

    /// <summary>
    /// A transport whose reads come from <paramref name="reader"/> instead of the socket (writes still
    /// go to the socket): the pump tests use it to choose where a message stream splits between reads.
    /// </summary>
    internal PgTransport(Socket socket, PipeReader reader, bool isServer = false)
        : this(socket, isServer)
    {
        Reader.Complete();
        Reader = reader;
    }

    public Socket Socket { get; }

    /// <summary>Replaced once if TLS is negotiated; read it after negotiation, never cache it across it.</summary>
    public PipeReader Reader { get; private set; }

    private StreamPipeReaderOptions ReaderOptions => _isServer ? s_serverReaderOptions : s_clientReaderOptions;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        _stream.WriteAsync(data, cancellationToken);

    /// <summary>Forwards a slice of a read buffer without copying it.</summary>
    public ValueTask SendAsync(in ReadOnlySequence<byte> data, CancellationToken cancellationToken = default)
    {
        if (data.IsSingleSegment)
        {
            return _stream.WriteAsync(data.First, cancellationToken);
        }
        return SendSegmentsAsync(data, cancellationToken);
    }

    private async ValueTask SendSegmentsAsync(ReadOnlySequence<byte> data, CancellationToken cancellationToken)
    {
        foreach (var segment in data)
        {
            await _stream.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// True when an idle connection has something to read: unexpected data or end of stream,
    /// either way it is not fit to hand out. A non-blocking poll, no bytes consumed.
    /// </summary>
    public bool HasUnexpectedInput()
    {
        try
        {
            return Socket.Poll(0, SelectMode.SelectRead) || Socket.Poll(0, SelectMode.SelectError);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        try
        {
            Reader.Complete();
        }
        catch (InvalidOperationException)
        {
            // A read is still in flight on another task; disposing the socket ends it.
        }
        _stream.Dispose();
    }
}
