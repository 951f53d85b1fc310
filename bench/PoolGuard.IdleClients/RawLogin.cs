using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace PoolGuard.IdleClients;

/// <summary>
/// A client that logs in and then says nothing: SSLRequest, StartupMessage, SCRAM-SHA-256, and
/// done as soon as the server accepts the password (AuthenticationSASLFinal, or AuthenticationOk
/// for trust). Npgsql cannot do this: its Open waits for ReadyForQuery, which a session-mode
/// pooler sends only once the client has a server.
/// </summary>
internal sealed class RawLogin : IAsyncDisposable
{
    private const int SslRequestCode = 80877103;
    private const int ProtocolVersion3 = 196608;

    private readonly Socket _socket;

    private RawLogin(Socket socket) => _socket = socket;

    public static async Task<IAsyncDisposable> ConnectAsync(Options options, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, cancellationToken);
            var login = new RawLogin(socket);
            await login.LogInAsync(options, cancellationToken);
            return login;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task LogInAsync(Options options, CancellationToken cancellationToken)
    {
        var ssl = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(ssl, 8);
        BinaryPrimitives.WriteInt32BigEndian(ssl.AsSpan(4), SslRequestCode);
        await SendAsync(ssl, cancellationToken);
        var answer = await ReceiveAsync(1, cancellationToken);
        if (answer[0] != (byte)'N')
        {
            throw new InvalidOperationException($"SSLRequest answered '{(char)answer[0]}'; this tool speaks plain TCP only");
        }

        var parameters = new MemoryStream();
        foreach (var text in new[] { "user", options.User, "database", options.Database, "application_name", "idle-clients", "" })
        {
            parameters.Write(Encoding.UTF8.GetBytes(text));
            parameters.WriteByte(0);
        }
        var startup = new byte[8 + parameters.Length];
        BinaryPrimitives.WriteInt32BigEndian(startup, startup.Length);
        BinaryPrimitives.WriteInt32BigEndian(startup.AsSpan(4), ProtocolVersion3);
        parameters.ToArray().CopyTo(startup, 8);
        await SendAsync(startup, cancellationToken);

        var scram = new ScramClient(options.Password);
        while (true)
        {
            var (type, body) = await ReadMessageAsync(cancellationToken);
            if (type == 'E')
            {
                throw new InvalidOperationException($"server error: {ErrorText(body)}");
            }
            if (type != 'R')
            {
                throw new InvalidOperationException($"unexpected message '{(char)type}' during login");
            }
            switch (BinaryPrimitives.ReadInt32BigEndian(body))
            {
                case 0: // AuthenticationOk (trust, or a pooler that welcomes before a server is linked)
                case 12: // AuthenticationSASLFinal: the password is accepted
                    return;
                case 10: // AuthenticationSASL: mechanisms
                    if (!Encoding.UTF8.GetString(body, 4, body.Length - 4).Split('\0').Contains("SCRAM-SHA-256"))
                    {
                        throw new InvalidOperationException("server does not offer SCRAM-SHA-256");
                    }
                    await SendPasswordMessageAsync(Concat(CString("SCRAM-SHA-256"), Int32(scram.ClientFirst.Length), scram.ClientFirst), cancellationToken);
                    break;
                case 11: // AuthenticationSASLContinue: server-first-message
                    await SendPasswordMessageAsync(scram.ClientFinal(body.AsSpan(4)), cancellationToken);
                    break;
                case var code:
                    throw new InvalidOperationException($"authentication method {code} not supported (use scram-sha-256)");
            }
        }
    }

    /// <summary>
    /// Closes with FIN, not RST: whatever the server sent after the password (a pooler's welcome)
    /// is read first, since closing a socket with unread data makes the kernel send a reset.
    /// No Terminate: a client still in the queue has not been welcomed and may not send messages.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        try
        {
            var drain = new byte[4096];
            while (_socket.Available > 0 && _socket.Receive(drain) > 0)
            {
            }
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task SendPasswordMessageAsync(byte[] body, CancellationToken cancellationToken) =>
        SendAsync(Concat([(byte)'p'], Int32(body.Length + 4), body), cancellationToken);

    private async Task SendAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        for (var sent = 0; sent < bytes.Length;)
        {
            sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cancellationToken);
        }
    }

    private async Task<byte[]> ReceiveAsync(int count, CancellationToken cancellationToken)
    {
        var bytes = new byte[count];
        for (var got = 0; got < count;)
        {
            var n = await _socket.ReceiveAsync(bytes.AsMemory(got), SocketFlags.None, cancellationToken);
            got += n > 0 ? n : throw new InvalidOperationException("server closed the connection during login");
        }
        return bytes;
    }

    private async Task<(byte Type, byte[] Body)> ReadMessageAsync(CancellationToken cancellationToken)
    {
        var header = await ReceiveAsync(5, cancellationToken);
        var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
        if (length < 4 || length > 1 << 20)
        {
            throw new InvalidOperationException($"bad message length {length}");
        }
        return (header[0], await ReceiveAsync(length - 4, cancellationToken));
    }

    private static string ErrorText(byte[] body)
    {
        // Fields: a code byte and a NUL-terminated string each; 'C' SQLSTATE, 'M' message.
        var fields = Encoding.UTF8.GetString(body).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var code = fields.FirstOrDefault(f => f[0] == 'C')?[1..];
        var message = fields.FirstOrDefault(f => f[0] == 'M')?[1..];
        return $"{code} {message}";
    }

    private static byte[] CString(string text) => [.. Encoding.UTF8.GetBytes(text), 0];

    private static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    /// <summary>The client side of SCRAM-SHA-256 (RFC 5802 / 7677), without channel binding.</summary>
    private sealed class ScramClient(string password)
    {
        private readonly string _nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        private string ClientFirstBare => $"n=,r={_nonce}";

        public byte[] ClientFirst => Encoding.UTF8.GetBytes("n,," + ClientFirstBare);

        public byte[] ClientFinal(ReadOnlySpan<byte> serverFirstBytes)
        {
            var serverFirst = Encoding.UTF8.GetString(serverFirstBytes);
            var attributes = serverFirst.Split(',').ToDictionary(a => a[0], a => a[2..]);
            var nonce = attributes['r'];
            if (!nonce.StartsWith(_nonce, StringComparison.Ordinal))
            {
                throw new InvalidOperationException("SCRAM: server nonce does not extend the client's");
            }
            var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(attributes['s']),
                int.Parse(attributes['i']), HashAlgorithmName.SHA256, 32);
            var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
            var storedKey = SHA256.HashData(clientKey);
            var withoutProof = $"c=biws,r={nonce}";
            var authMessage = Encoding.UTF8.GetBytes($"{ClientFirstBare},{serverFirst},{withoutProof}");
            var signature = HMACSHA256.HashData(storedKey, authMessage);
            for (var i = 0; i < clientKey.Length; i++)
            {
                clientKey[i] ^= signature[i];
            }
            return Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(clientKey)}");
        }
    }
}
