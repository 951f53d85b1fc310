using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using PoolGuard.Gateway.Clients;
using PoolGuard.Gateway.Servers;
using PoolGuard.Gateway.Tls;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Cancel;

/// <summary>
/// Routes a CancelRequest from the key the gateway gave its client to the key of the server the
/// client is using right now. A client not linked to a server has nothing to cancel.
/// </summary>
internal sealed class CancelRouter(Func<TimeSpan> currentConnectTimeout, TlsCertificates tls)
{
    private readonly ConcurrentDictionary<int, ClientConnection> _clients = new();

    public void Register(ClientConnection client) => _clients[client.ProcessId] = client;

    public void Unregister(ClientConnection client) => _clients.TryRemove(new(client.ProcessId, client));

    /// <summary>Forwards the cancel; returns whether a server was asked to cancel.</summary>
    public async Task<bool> CancelAsync(int processId, int secretKey, CancellationToken cancellationToken)
    {
        if (!_clients.TryGetValue(processId, out var client) || !KeysMatch(client.SecretKey, secretKey))
        {
            return false;
        }
        if (client.Server is not { Transport: not null } server)
        {
            return false;
        }
        return await CancelServerAsync(server, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks PostgreSQL to cancel what <paramref name="server"/> is running (also used for query_timeout).
    /// The cancel connection negotiates TLS exactly as server connections do: a server that insists on
    /// TLS would refuse a plain one, and the cancel key should not cross the network in the clear.
    /// </summary>
    public async Task<bool> CancelServerAsync(Pooling.ServerConnection server, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(currentConnectTimeout());
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        PgTransport? transport = null;
        try
        {
            await socket.ConnectAsync(server.Host, server.Port, timeout.Token).ConfigureAwait(false);
            transport = new PgTransport(socket, isServer: true);
            await ServerTlsNegotiation.NegotiateAsync(transport, server.Host, tls.Current, timeout.Token).ConfigureAwait(false);
            var packet = new System.Buffers.ArrayBufferWriter<byte>(16);
            MessageWriter.WriteCancelRequest(packet, server.BackendProcessId, server.BackendSecretKey);
            await transport.SendAsync(packet.WrittenMemory, timeout.Token).ConfigureAwait(false);
            // PostgreSQL answers a cancel by closing; waiting for that makes the cancel land before we return.
            await transport.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException
            or ServerTlsException or ProtocolException or System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
        finally
        {
            if (transport is null)
            {
                socket.Dispose();
            }
            else
            {
                transport.Close();
            }
        }
    }

    /// <summary>Constant time, so timing does not leak how much of a guessed key was right.</summary>
    private static bool KeysMatch(int expected, int actual)
    {
        Span<byte> a = stackalloc byte[4];
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(a, expected);
        BinaryPrimitives.WriteInt32BigEndian(b, actual);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
