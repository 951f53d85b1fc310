using System.Buffers;
using System.Buffers.Binary;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Protocol.Startup;

public enum StartupKind
{
    Startup,
    SslRequest,
    GssEncRequest,
    Cancel,
}

/// <summary>The first packet of a client connection, parsed.</summary>
public sealed class StartupPacket
{
    private StartupPacket(StartupKind kind) => Kind = kind;

    public StartupKind Kind { get; }

    /// <summary>Name/value pairs of a StartupMessage, in the order the client sent them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; private init; } = [];

    /// <summary>Minor protocol version the client asked for (3.x); anything above 0 is negotiated down to 3.0.</summary>
    public int MinorVersion { get; private init; }

    /// <summary>"_pq_." protocol options the client sent; none is supported, so all are reported back as unrecognised.</summary>
    public IReadOnlyList<string> ProtocolOptions { get; private init; } = [];

    public int CancelProcessId { get; private init; }
    public int CancelSecretKey { get; private init; }

    public string? Get(string name)
    {
        foreach (var (key, value) in Parameters)
        {
            if (key == name)
            {
                return value;
            }
        }
        return null;
    }

    public enum ParseStatus { Complete, NeedMoreData, Invalid }

    /// <summary>
    /// Parses a packet at the start of <paramref name="buffer"/>. On Invalid, <paramref name="error"/>
    /// says why in words fit for the client.
    /// </summary>
    public static ParseStatus TryParse(in ReadOnlySequence<byte> buffer, out StartupPacket? packet, out long consumed, out string? error)
    {
        packet = null;
        consumed = 0;
        error = null;
        if (buffer.Length < 8)
        {
            return ParseStatus.NeedMoreData;
        }

        Span<byte> head = stackalloc byte[8];
        buffer.Slice(0, 8).CopyTo(head);
        var length = BinaryPrimitives.ReadInt32BigEndian(head);
        var code = BinaryPrimitives.ReadInt32BigEndian(head[4..]);
        if (length < 8 || length > StartupCodes.MaxStartupPacketLength)
        {
            error = $"invalid length of startup packet ({length})";
            return ParseStatus.Invalid;
        }
        if (buffer.Length < length)
        {
            return ParseStatus.NeedMoreData;
        }
        consumed = length;
        var body = buffer.Slice(8, length - 8);

        switch (code)
        {
            case StartupCodes.SslRequest when length == 8:
                packet = new StartupPacket(StartupKind.SslRequest);
                return ParseStatus.Complete;
            case StartupCodes.GssEncRequest when length == 8:
                packet = new StartupPacket(StartupKind.GssEncRequest);
                return ParseStatus.Complete;
            case StartupCodes.CancelRequest when length == 16:
                var reader = new MessageReader(body);
                reader.TryReadInt32(out var pid);
                reader.TryReadInt32(out var key);
                packet = new StartupPacket(StartupKind.Cancel) { CancelProcessId = pid, CancelSecretKey = key };
                return ParseStatus.Complete;
            case var version when version >> 16 == 3:
                // A newer minor version (3.2, …) is not an error: PostgreSQL answers NegotiateProtocolVersion and speaks 3.0.
                return ParseParameters(body, version & 0xFFFF, out packet, out error);
            default:
                error = (code >> 16) == 3
                    ? $"unsupported frontend protocol {code >> 16}.{code & 0xFFFF}: server supports 3.0"
                    : $"unsupported frontend protocol or request code {code}";
                return ParseStatus.Invalid;
        }
    }

    private static ParseStatus ParseParameters(ReadOnlySequence<byte> body, int minorVersion, out StartupPacket? packet, out string? error)
    {
        packet = null;
        error = null;
        var parameters = new List<KeyValuePair<string, string>>();
        var protocolOptions = new List<string>();
        var reader = new MessageReader(body);
        while (true)
        {
            if (!reader.TryReadCString(out var name))
            {
                error = "invalid startup packet layout: expected terminator as last byte";
                return ParseStatus.Invalid;
            }
            if (name.Length == 0)
            {
                break;
            }
            if (!reader.TryReadCString(out var value))
            {
                error = $"invalid startup packet layout: parameter \"{name}\" has no value";
                return ParseStatus.Invalid;
            }
            if (name.StartsWith("_pq_.", StringComparison.Ordinal))
            {
                protocolOptions.Add(name);
            }
            else
            {
                parameters.Add(new(name, value));
            }
        }
        if (reader.Remaining != 0)
        {
            error = "invalid startup packet layout: expected terminator as last byte";
            return ParseStatus.Invalid;
        }
        packet = new StartupPacket(StartupKind.Startup) { Parameters = parameters, MinorVersion = minorVersion, ProtocolOptions = protocolOptions };
        return ParseStatus.Complete;
    }
}
