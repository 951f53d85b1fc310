using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Startup;

namespace PoolGuard.Gateway.Clients;

/// <summary>
/// Reads the first packet(s) of a connection: answers SSLRequest and GSSENCRequest with 'N'
/// (TLS arrives with a later issue) until a StartupMessage or CancelRequest arrives.
/// </summary>
internal static class StartupReader
{
    private static readonly byte[] s_no = "N"u8.ToArray();

    /// <summary>The packet, or null when the client went away before sending one.</summary>
    public static async Task<StartupPacket?> ReadAsync(PgTransport transport, CancellationToken cancellationToken)
    {
        var reader = transport.Reader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = StartupPacket.TryParse(buffer, out var packet, out var consumed, out var error);
            switch (status)
            {
                case StartupPacket.ParseStatus.Invalid:
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation, error!));
                case StartupPacket.ParseStatus.Complete:
                    reader.AdvanceTo(buffer.GetPosition(consumed));
                    if (packet!.Kind is StartupKind.SslRequest or StartupKind.GssEncRequest)
                    {
                        await transport.SendAsync(s_no, cancellationToken).ConfigureAwait(false);
                        continue;
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
}
