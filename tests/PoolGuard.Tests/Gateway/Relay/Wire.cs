using System.Buffers.Binary;
using System.Text;

namespace PoolGuard.Tests.Gateway.Relay;

/// <summary>Protocol messages built byte by byte, independently of the gateway's own writers.</summary>
internal static class Wire
{
    public static byte[] Message(char type, params byte[][] body)
    {
        var length = 4 + body.Sum(b => b.Length);
        var message = new byte[1 + length];
        message[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), length);
        var at = 5;
        foreach (var part in body)
        {
            part.CopyTo(message, at);
            at += part.Length;
        }
        return message;
    }

    public static byte[] CString(string text) => [.. Encoding.UTF8.GetBytes(text), 0];

    public static byte[] Int16(short value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteInt16BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    // Frontend
    public static byte[] Query(string sql) => Message('Q', CString(sql));
    public static byte[] Parse(string name, string sql) => Message('P', CString(name), CString(sql), Int16(0));
    public static byte[] Bind(string portal, string statement) => Message('B', CString(portal), CString(statement), Int16(0), Int16(0), Int16(0));
    public static byte[] Describe(char kind, string name) => Message('D', [(byte)kind], CString(name));
    public static byte[] Execute(string portal) => Message('E', CString(portal), Int32(0));
    public static byte[] Close(char kind, string name) => Message('C', [(byte)kind], CString(name));
    public static byte[] Flush() => Message('H');
    public static byte[] Sync() => Message('S');
    public static byte[] Terminate() => Message('X');

    // Backend
    public static byte[] ParseComplete() => Message('1');
    public static byte[] BindComplete() => Message('2');
    public static byte[] NoData() => Message('n');
    public static byte[] RowDescription() => Message('T', Int16(1), CString("c"), Int32(0), Int16(0), Int32(23), Int16(4), Int32(-1), Int16(0));
    public static byte[] DataRow(string value) => Message('D', Int16(1), Int32(Encoding.UTF8.GetByteCount(value)), Encoding.UTF8.GetBytes(value));
    public static byte[] CommandComplete(string tag) => Message('C', CString(tag));
    public static byte[] ParameterStatus(string name, string value) => Message('S', CString(name), CString(value));
    public static byte[] Error(string code, string text) =>
        Message('E', [(byte)'S'], CString("ERROR"), [(byte)'C'], CString(code), [(byte)'M'], CString(text), [0]);
    public static byte[] ReadyForQuery(char status) => Message('Z', [(byte)status]);

    public static byte[] Concat(IEnumerable<byte[]> messages) => [.. messages.SelectMany(m => m)];
}
