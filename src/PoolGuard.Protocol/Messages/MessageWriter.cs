using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using PoolGuard.Protocol.Startup;

namespace PoolGuard.Protocol.Messages;

/// <summary>
/// Builds the messages the gateway itself originates (login, errors, its own queries). Lengths are
/// computed up front so every message is written once, front to back, into any IBufferWriter.
/// </summary>
public static class MessageWriter
{
    public static void WriteAuthenticationRequest(IBufferWriter<byte> writer, int code, ReadOnlySpan<byte> extra = default)
    {
        var span = Begin(writer, BackendMessage.Authentication, 4 + extra.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, code);
        extra.CopyTo(span[4..]);
        writer.Advance(Size(4 + extra.Length));
    }

    /// <summary>AuthenticationSASL: the mechanism list, each NUL-terminated, then an empty string.</summary>
    public static void WriteSaslMechanisms(IBufferWriter<byte> writer, params string[] mechanisms)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var mechanism in mechanisms)
        {
            WriteCString(buffer, mechanism);
        }
        buffer.GetSpan(1)[0] = 0;
        buffer.Advance(1);
        WriteAuthenticationRequest(writer, AuthenticationCode.Sasl, buffer.WrittenSpan);
    }

    public static void WriteParameterStatus(IBufferWriter<byte> writer, string name, string value)
    {
        var length = CStringLength(name) + CStringLength(value);
        var span = Begin(writer, BackendMessage.ParameterStatus, length);
        var at = PutCString(span, name);
        PutCString(span[at..], value);
        writer.Advance(Size(length));
    }

    public static void WriteBackendKeyData(IBufferWriter<byte> writer, int processId, int secretKey)
    {
        var span = Begin(writer, BackendMessage.BackendKeyData, 8);
        BinaryPrimitives.WriteInt32BigEndian(span, processId);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], secretKey);
        writer.Advance(Size(8));
    }

    public static void WriteReadyForQuery(IBufferWriter<byte> writer, byte transactionStatus)
    {
        var span = Begin(writer, BackendMessage.ReadyForQuery, 1);
        span[0] = transactionStatus;
        writer.Advance(Size(1));
    }

    /// <summary>A simple-protocol Query, used for reset queries and session parameters.</summary>
    public static void WriteQuery(IBufferWriter<byte> writer, string sql)
    {
        var length = CStringLength(sql);
        var span = Begin(writer, FrontendMessage.Query, length);
        PutCString(span, sql);
        writer.Advance(Size(length));
    }

    public static void WriteTerminate(IBufferWriter<byte> writer)
    {
        Begin(writer, FrontendMessage.Terminate, 0);
        writer.Advance(Size(0));
    }

    /// <summary>PasswordMessage carrying a NUL-terminated password or md5 response.</summary>
    public static void WritePassword(IBufferWriter<byte> writer, ReadOnlySpan<byte> password)
    {
        var span = Begin(writer, FrontendMessage.Password, password.Length + 1);
        password.CopyTo(span);
        span[password.Length] = 0;
        writer.Advance(Size(password.Length + 1));
    }

    public static void WriteSaslInitialResponse(IBufferWriter<byte> writer, string mechanism, ReadOnlySpan<byte> data)
    {
        var length = CStringLength(mechanism) + 4 + data.Length;
        var span = Begin(writer, FrontendMessage.Password, length);
        var at = PutCString(span, mechanism);
        BinaryPrimitives.WriteInt32BigEndian(span[at..], data.Length);
        data.CopyTo(span[(at + 4)..]);
        writer.Advance(Size(length));
    }

    public static void WriteSaslResponse(IBufferWriter<byte> writer, ReadOnlySpan<byte> data)
    {
        var span = Begin(writer, FrontendMessage.Password, data.Length);
        data.CopyTo(span);
        writer.Advance(Size(data.Length));
    }

    /// <summary>StartupMessage (protocol 3.0): no type byte, then name/value pairs and a final NUL.</summary>
    public static void WriteStartup(IBufferWriter<byte> writer, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var body = new ArrayBufferWriter<byte>();
        foreach (var (name, value) in parameters)
        {
            WriteCString(body, name);
            WriteCString(body, value);
        }
        body.GetSpan(1)[0] = 0;
        body.Advance(1);

        var total = 8 + body.WrittenCount;
        var span = writer.GetSpan(total);
        BinaryPrimitives.WriteInt32BigEndian(span, total);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], StartupCodes.ProtocolVersion3);
        body.WrittenSpan.CopyTo(span[8..]);
        writer.Advance(total);
    }

    /// <summary>A message header alone (type, length), for a body the caller writes next.</summary>
    public static void WriteHeader(IBufferWriter<byte> writer, byte type, int bodyLength)
    {
        var span = writer.GetSpan(MessageHeader.Size);
        span[0] = type;
        BinaryPrimitives.WriteInt32BigEndian(span[1..], bodyLength + 4);
        writer.Advance(MessageHeader.Size);
    }

    /// <summary>Parse: the statement name (NUL included) and the rest of a client's Parse body (query, parameter types).</summary>
    public static void WriteParse(IBufferWriter<byte> writer, ReadOnlySpan<byte> nameZ, ReadOnlySpan<byte> rest)
    {
        WriteHeader(writer, FrontendMessage.Parse, nameZ.Length + rest.Length);
        writer.Write(nameZ);
        writer.Write(rest);
    }

    /// <summary>Close or Describe (<paramref name="type"/>) of a prepared statement ('S') by name (NUL included).</summary>
    public static void WriteStatementMessage(IBufferWriter<byte> writer, byte type, ReadOnlySpan<byte> nameZ)
    {
        WriteHeader(writer, type, 1 + nameZ.Length);
        writer.Write([(byte)'S']);
        writer.Write(nameZ);
    }

    public static void WriteSync(IBufferWriter<byte> writer) => WriteHeader(writer, FrontendMessage.Sync, 0);

    /// <summary>ParseComplete, whole: what the gateway answers for a Parse it handles itself.</summary>
    public static ReadOnlySpan<byte> ParseComplete => [BackendMessage.ParseComplete, 0, 0, 0, 4];

    /// <summary>CloseComplete, whole.</summary>
    public static ReadOnlySpan<byte> CloseComplete => [BackendMessage.CloseComplete, 0, 0, 0, 4];

    /// <summary>SSLRequest: length 8 and the request code, as a client (here, the gateway to its servers) sends it.</summary>
    public static void WriteSslRequest(IBufferWriter<byte> writer)
    {
        var span = writer.GetSpan(8);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], StartupCodes.SslRequest);
        writer.Advance(8);
    }

    public static void WriteCancelRequest(IBufferWriter<byte> writer, int processId, int secretKey)
    {
        var span = writer.GetSpan(16);
        BinaryPrimitives.WriteInt32BigEndian(span, 16);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], StartupCodes.CancelRequest);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], processId);
        BinaryPrimitives.WriteInt32BigEndian(span[12..], secretKey);
        writer.Advance(16);
    }

    public static void WriteCString(IBufferWriter<byte> writer, string value)
    {
        var length = CStringLength(value);
        var span = writer.GetSpan(length);
        PutCString(span, value);
        writer.Advance(length);
    }

    /// <summary>NegotiateProtocolVersion: the newest version spoken (as PostgreSQL writes it, major &lt;&lt; 16 | minor) and the options not recognised.</summary>
    public static void WriteNegotiateProtocolVersion(IBufferWriter<byte> writer, int newestVersion, IReadOnlyList<string> unrecognizedOptions)
    {
        var length = 8;
        foreach (var option in unrecognizedOptions)
        {
            length += CStringLength(option);
        }
        var span = Begin(writer, BackendMessage.NegotiateProtocolVersion, length);
        BinaryPrimitives.WriteInt32BigEndian(span, newestVersion);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], unrecognizedOptions.Count);
        var at = 8;
        foreach (var option in unrecognizedOptions)
        {
            at += PutCString(span[at..], option);
        }
        writer.Advance(Size(length));
    }

    internal static int CStringLength(string value) => Encoding.UTF8.GetByteCount(value) + 1;

    internal static int PutCString(Span<byte> span, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, span);
        span[written] = 0;
        return written + 1;
    }

    /// <summary>Writes type and length, returns the span for the body (not yet advanced).</summary>
    internal static Span<byte> Begin(IBufferWriter<byte> writer, byte type, int bodyLength)
    {
        var span = writer.GetSpan(Size(bodyLength));
        span[0] = type;
        BinaryPrimitives.WriteInt32BigEndian(span[1..], bodyLength + 4);
        return span.Slice(MessageHeader.Size, bodyLength);
    }

    internal static int Size(int bodyLength) => MessageHeader.Size + bodyLength;
}
