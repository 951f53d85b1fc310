using System.Buffers;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Tls;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Messages;
using PoolGuard.Protocol.Startup;

namespace PoolGuard.Gateway.Clients;

/// <summary>
/// Reads the first packet(s) of a connection until a StartupMessage or CancelRequest arrives. An
/// SSLRequest is answered 'S' and the connection switched to TLS when client_tls_sslmode is not disable,
/// else 'N'; GSSENCRequest is always 'N'. With require or stronger, a StartupMessage sent without TLS is
/// refused (28000). CancelRequests are accepted either way, as PostgreSQL does.
/// </summary>
internal static class StartupReader
{
    private static readonly byte[] s_no = "N"u8.ToArray();
    private static readonly byte[] s_yes = "S"u8.ToArray();

    /// <summary>The packet, or null when the client went away before sending one.</summary>
    public static async Task<StartupPacket?> ReadAsync(PgTransport transport, TlsCertificates tls, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Read the property each time round: switching to TLS replaces the reader.
            var reader = transport.Reader;
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (StartsWithTerminate(buffer, result.IsCompleted) is { } terminate)
            {
                if (terminate)
                {
                    // A client that gives up before logging in (node-postgres: connect(); end()) sends
                    // Terminate first; PostgreSQL and PgBouncer just close, and so do we.
                    reader.AdvanceTo(buffer.End);
                    return null;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            var status = StartupPacket.TryParse(buffer, out var packet, out var consumed, out var error);
            switch (status)
            {
                case StartupPacket.ParseStatus.Invalid:
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation, error!));
                case StartupPacket.ParseStatus.Complete:
                    var followed = buffer.Length > consumed;
                    reader.AdvanceTo(buffer.GetPosition(consumed));
                    if (packet!.Kind == StartupKind.SslRequest)
                    {
                        await AnswerSslRequestAsync(transport, tls.Current, followed, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    if (packet.Kind == StartupKind.GssEncRequest)
                    {
                        await transport.SendAsync(s_no, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    if (packet.Kind != StartupKind.Cancel && !transport.IsTls && tls.Current.ClientMode >= TlsMode.Require)
                    {
                        throw new ClientLoginException(PgError.Fatal(SqlState.InvalidAuthorizationSpecification,
                            $"client_tls_sslmode is {TlsModes.Text(tls.Current.ClientMode)}: PoolGuard accepts only TLS (SSL) connections",
                            "connect with TLS, e.g. sslmode=require (libpq, psql) or SSL Mode=Require (Npgsql)"));
                    }
                    return packet;
                default:
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    if (result.IsCompleted)
                    {
                        if (buffer.Length > 0)
                        {
                            throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation, "incomplete startup packet"));
                        }
                        return null;
                    }
                    break;
            }
        }
    }

    /// <summary>
    /// True when the connection opens with a Terminate message ('X', length 4), null when it cannot
    /// be one, false when too few bytes have arrived to tell. No startup packet begins with 'X': its
    /// first byte is the high byte of a length of at most 10,000.
    /// </summary>
    private static bool? StartsWithTerminate(in ReadOnlySequence<byte> buffer, bool completed)
    {
        if (!MessageHeader.StartsWith(buffer, FrontendMessage.Terminate))
        {
            return null;
        }
        if (buffer.Length < MessageHeader.Size)
        {
            return completed ? null : false;
        }
        Span<byte> header = stackalloc byte[MessageHeader.Size];
        buffer.Slice(0, MessageHeader.Size).CopyTo(header);
        return header[1..].SequenceEqual(TerminateLength) ? true : null;
    }

    private static ReadOnlySpan<byte> TerminateLength => [0, 0, 0, 4];

    private static async Task AnswerSslRequestAsync(PgTransport transport, TlsContext tls, bool followed, CancellationToken cancellationToken)
    {
        if (transport.IsTls)
        {
            throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation, "SSLRequest received on a connection that already uses TLS"));
        }
        if (tls.ClientMode == TlsMode.Disable)
        {
            await transport.SendAsync(s_no, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (followed)
        {
            // Bytes sent before our 'S' were sent in the clear and would be read as if they came through
            // TLS: a man in the middle could inject them (PostgreSQL's CVE-2021-23214). Refuse.
            throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation, "received unencrypted data after SSL request"));
        }

        await transport.SendAsync(s_yes, cancellationToken).ConfigureAwait(false);
        await transport.StartTlsAsServerAsync(tls.ClientHandshake(), cancellationToken).ConfigureAwait(false);
    }
}
