using System.Security.Authentication;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Tls;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Servers;

/// <summary>
/// The SSLRequest exchange with PostgreSQL, before the startup packet (logins) or the CancelRequest
/// (cancels: PostgreSQL accepts them over TLS too, and a server that requires TLS refuses them without).
/// disable sends nothing; allow and prefer fall back to plain TCP when the server answers 'N'; require,
/// verify-ca and verify-full fail instead.
/// </summary>
internal static class ServerTlsNegotiation
{
    private static readonly byte[] s_sslRequest = BuildSslRequest();

    /// <summary>What to do on the server's answer to SSLRequest; the decision table, apart from the I/O.</summary>
    public enum Step { UseTls, StayPlain, Fail }

    public static Step OnAnswer(TlsMode mode, byte answer) => (answer, mode) switch
    {
        ((byte)'S', _) => Step.UseTls,
        ((byte)'N', < TlsMode.Require) => Step.StayPlain,
        _ => Step.Fail,
    };

    /// <summary>Negotiates TLS on a freshly connected transport as server_tls_sslmode says; throws <see cref="ServerTlsException"/>.</summary>
    public static async Task NegotiateAsync(PgTransport transport, string host, TlsContext tls, CancellationToken cancellationToken)
    {
        if (tls.ServerMode == TlsMode.Disable)
        {
            return;
        }

        await transport.SendAsync(s_sslRequest, cancellationToken).ConfigureAwait(false);
        var answer = await ReadAnswerAsync(transport, cancellationToken).ConfigureAwait(false);
        switch (OnAnswer(tls.ServerMode, answer))
        {
            case Step.StayPlain:
                return;
            case Step.Fail when answer == 'N':
                throw new ServerTlsException(
                    $"server_tls_sslmode is {TlsModes.Text(tls.ServerMode)} but the server does not accept TLS (it answered the SSLRequest with 'N')",
                    "turn ssl on in the server's postgresql.conf, or lower server_tls_sslmode to prefer");
            case Step.Fail:
                throw new ProtocolException($"unexpected answer '{(char)answer}' to SSLRequest");
        }

        var rejection = new TlsRejection();
        try
        {
            await transport.StartTlsAsClientAsync(tls.ServerHandshake(host, rejection), cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException ex)
        {
            throw new ServerTlsException($"TLS handshake failed: {rejection.Reason ?? ex.Message}",
                tls.ServerMode >= TlsMode.VerifyCa
                    ? "check server_tls_ca_file (the CA that signed PostgreSQL's certificate) and that the certificate names the host in the database entry"
                    : "check the server's TLS setup and server_tls_protocols");
        }
    }

    /// <summary>The one-byte answer. Anything after it, sent before our handshake, would be unencrypted data
    /// passed off as the server's (PostgreSQL's CVE-2021-23222): refused.</summary>
    private static async Task<byte> ReadAnswerAsync(PgTransport transport, CancellationToken cancellationToken)
    {
        var reader = transport.Reader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > 0)
            {
                var answer = buffer.FirstSpan[0];
                var more = buffer.Length > 1;
                reader.AdvanceTo(buffer.GetPosition(1));
                if (more && answer == 'S')
                {
                    throw new ProtocolException("received unencrypted data after the server's SSL response");
                }
                return answer;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new IOException("the server closed the connection during the SSL request");
            }
        }
    }

    private static byte[] BuildSslRequest()
    {
        var packet = new System.Buffers.ArrayBufferWriter<byte>(8);
        MessageWriter.WriteSslRequest(packet);
        return packet.WrittenSpan.ToArray();
    }
}

/// <summary>TLS with the server could not be set up as server_tls_sslmode demands.</summary>
internal sealed class ServerTlsException(string reason, string hint) : Exception(reason)
{
    public string Hint { get; } = hint;
}
