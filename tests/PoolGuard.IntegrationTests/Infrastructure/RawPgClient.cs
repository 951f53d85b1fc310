using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// A hand-driven PostgreSQL protocol client over a raw socket, for bytes no driver would send.
/// Every read is bounded: a gateway that hangs fails the test with a TimeoutException.
/// </summary>
internal sealed class RawPgClient : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _closed;

    public RawPgClient(Socket socket) => _socket = socket;

    public static async Task<RawPgClient> ConnectAsync(GatewayHarness gateway) => new(await gateway.ConnectRawAsync());

    /// <summary>Startup as app_user on app (trust gateway), read up to the first ReadyForQuery.</summary>
    public static async Task<RawPgClient> LogInWithTrustAsync(GatewayHarness gateway, string user = PgSandbox.Roles.App, string database = "app")
    {
        var client = await ConnectAsync(gateway);
        await client.SendAsync(Startup(("user", user), ("database", database), ("application_name", "poolguard-tests")));
        var messages = await client.ReadUntilReadyForQueryAsync();
        Assert.Equal(0, messages.First(m => m.Type == (byte)'R').AuthCode);
        return client;
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await _socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
    }

    /// <summary>Half-close: the gateway reads end of stream, we can still read its answer.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Closes with a RST (linger 0), the way a killed process or a dropped network looks.</summary>
    public void CloseAbruptly()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    /// <summary>One raw byte (the answer to SSLRequest); -1 at end of stream.</summary>
    public async Task<int> ReadByteAsync(TimeSpan? timeout = null)
    {
        if (!await FillAsync(1, timeout ?? DefaultTimeout))
        {
            return -1;
        }
        return _buffer[_start++];
    }

    /// <summary>The next message, or null when the gateway closed the connection (FIN or RST).</summary>
    public async Task<PgMessage?> ReadMessageAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        if (!await FillAsync(5, limit))
        {
            return null;
        }
        var type = _buffer[_start];
        var length = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start + 1));
        if (length < 4 || length > _buffer.Length - 1)
        {
            throw new InvalidDataException($"gateway sent message '{(char)type}' with length {length}");
        }
        if (!await FillAsync(length + 1, limit))
        {
            throw new InvalidDataException($"gateway closed in the middle of message '{(char)type}'");
        }
        var body = _buffer.AsSpan(_start + 5, length - 4).ToArray();
        _start += length + 1;
        return new PgMessage(type, body);
    }

    /// <summary>Messages up to and including ReadyForQuery; fails on an ErrorResponse or a close.</summary>
    public async Task<IReadOnlyList<PgMessage>> ReadUntilReadyForQueryAsync(TimeSpan? timeout = null)
    {
        var messages = new List<PgMessage>();
        while (true)
        {
            var message = await ReadMessageAsync(timeout) ?? throw new InvalidDataException($"gateway closed before ReadyForQuery; got {string.Join(", ", messages)}");
            messages.Add(message);
            if (message.Type == (byte)'Z')
            {
                return messages;
            }
        }
    }

    /// <summary>
    /// What a misbehaving client is owed: the first ErrorResponse (or null if the gateway just
    /// closed), and whether the connection is closed afterwards. Other messages are skipped.
    /// </summary>
    public async Task<(PgMessage? Error, bool ClosedAfterwards)> ReadErrorThenCloseAsync(TimeSpan? timeout = null)
    {
        PgMessage? error = null;
        while (true)
        {
            var message = await ReadMessageAsync(timeout);
            if (message is null)
            {
                return (error, true);
            }
            if (message.Type == (byte)'E' && error is null)
            {
                error = message;
            }
        }
    }

    /// <summary>Reads until the buffer holds <paramref name="count"/> bytes; false at end of stream.</summary>
    private async Task<bool> FillAsync(int count, TimeSpan timeout)
    {
        if (_end - _start >= count)
        {
            return true;
        }
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        using var cts = new CancellationTokenSource(timeout);
        while (_end < count)
        {
            if (_closed)
            {
                return false;
            }
            int read;
            try
            {
                read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the gateway sent nothing for {timeout.TotalSeconds:0.#} s (waiting for {count - _end} more bytes)");
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                read = 0;
            }
            if (read == 0)
            {
                _closed = true;
                return false;
            }
            _end += read;
        }
        return true;
    }

    public void Dispose() => _socket.Dispose();

    // ---- frontend messages ----

    public static byte[] Startup(params (string Name, string Value)[] parameters)
    {
        var body = new List<byte>();
        foreach (var (name, value) in parameters)
        {
            body.AddRange(Encoding.UTF8.GetBytes(name));
            body.Add(0);
            body.AddRange(Encoding.UTF8.GetBytes(value));
            body.Add(0);
        }
        body.Add(0);
        return Packet(196608, [.. body]);
    }

    public static byte[] SslRequest() => Packet(80877103, []);

    public static byte[] CancelRequest(int processId, int secretKey)
    {
        var body = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(body, processId);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(4), secretKey);
        return Packet(80877102, body);
    }

    /// <summary>A startup-style packet: length, code, body.</summary>
    public static byte[] Packet(int code, byte[] body)
    {
        var packet = new byte[8 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(packet, packet.Length);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), code);
        body.CopyTo(packet, 8);
        return packet;
    }

    public static byte[] Query(string sql)
    {
        var text = Encoding.UTF8.GetBytes(sql + "\0");
        return Message((byte)'Q', text.Length + 4, text);
    }

    /// <summary>A message with any length field, true or not, followed by <paramref name="body"/>.</summary>
    public static byte[] Message(byte type, int length, byte[] body)
    {
        var message = new byte[5 + body.Length];
        message[0] = type;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), length);
        body.CopyTo(message, 5);
        return message;
    }
}
