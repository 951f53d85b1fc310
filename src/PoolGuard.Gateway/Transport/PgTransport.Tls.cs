using System.IO.Pipelines;
using System.Net.Security;

namespace PoolGuard.Gateway.Transport;

/// <summary>
/// Switching a connection to TLS after the SSLRequest exchange. The pipe reader over the plain stream is
/// retired (it has nothing buffered: callers check that no byte followed the SSLRequest or its answer)
/// and a new one reads the SslStream with the same options. SslStream passes zero-byte reads through to
/// the socket and allocates its record buffer only when data has arrived (.NET 8+), so an idle TLS client
/// holds no read buffer either; it does keep the SslStream and OpenSSL's session state.
/// </summary>
internal sealed partial class PgTransport
{
    public bool IsTls => _stream is SslStream;

    /// <summary>TLS handshake as the server (the gateway towards a client).</summary>
    public Task StartTlsAsServerAsync(SslServerAuthenticationOptions options, CancellationToken cancellationToken) =>
        StartTlsAsync(ssl => ssl.AuthenticateAsServerAsync(options, cancellationToken));

    /// <summary>TLS handshake as the client (the gateway towards PostgreSQL).</summary>
    public Task StartTlsAsClientAsync(SslClientAuthenticationOptions options, CancellationToken cancellationToken) =>
        StartTlsAsync(ssl => ssl.AuthenticateAsClientAsync(options, cancellationToken));

    private async Task StartTlsAsync(Func<SslStream, Task> authenticate)
    {
        if (IsTls)
        {
            throw new InvalidOperationException("TLS is already on for this connection");
        }

        await Reader.CompleteAsync().ConfigureAwait(false);
        // Owned from here on, so Close disposes it (and through it the socket) even if the handshake fails.
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        _stream = ssl;
        await authenticate(ssl).ConfigureAwait(false);
        Reader = PipeReader.Create(ssl, ReaderOptions);
    }
}
