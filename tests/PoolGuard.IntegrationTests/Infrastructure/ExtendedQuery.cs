using System.Buffers.Binary;
using System.Text;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// Extended-query frontend messages for <see cref="RawPgClient"/>: the exact sequences a driver
/// never sends on its own (Parse without Sync, Describe of a statement prepared elsewhere).
/// Parameters and results are in text format.
/// </summary>
internal static class ExtendedQuery
{
    /// <summary>Parse: <paramref name="statement"/> "" is the unnamed statement; parameter types 0 = let the server infer.</summary>
    public static byte[] Parse(string statement, string sql, params int[] parameterTypes)
    {
        var body = new List<byte>();
        AddString(body, statement);
        AddString(body, sql);
        AddInt16(body, parameterTypes.Length);
        foreach (var type in parameterTypes)
        {
            AddInt32(body, type);
        }
        return Message('P', body);
    }

    /// <summary>Bind with every parameter and every result column in text format; null is SQL NULL.</summary>
    public static byte[] Bind(string portal, string statement, params string?[] parameters)
    {
        var body = new List<byte>();
        AddString(body, portal);
        AddString(body, statement);
        AddInt16(body, 0); // parameter format codes: none = all text
        AddInt16(body, parameters.Length);
        foreach (var parameter in parameters)
        {
            if (parameter is null)
            {
                AddInt32(body, -1);
                continue;
            }
            var bytes = Encoding.UTF8.GetBytes(parameter);
            AddInt32(body, bytes.Length);
            body.AddRange(bytes);
        }
        AddInt16(body, 0); // result format codes: none = all text
        return Message('B', body);
    }

    /// <summary>Describe of a statement ('S') or a portal ('P').</summary>
    public static byte[] Describe(char kind, string name)
    {
        var body = new List<byte> { (byte)kind };
        AddString(body, name);
        return Message('D', body);
    }

    public static byte[] Execute(string portal = "", int maxRows = 0)
    {
        var body = new List<byte>();
        AddString(body, portal);
        AddInt32(body, maxRows);
        return Message('E', body);
    }

    /// <summary>Close of a statement ('S') or a portal ('P').</summary>
    public static byte[] Close(char kind, string name)
    {
        var body = new List<byte> { (byte)kind };
        AddString(body, name);
        return Message('C', body);
    }

    public static byte[] Sync() => Message('S', []);

    public static byte[] Flush() => Message('H', []);

    /// <summary>Bind of the unnamed portal, Execute, Sync: run a prepared statement once.</summary>
    public static byte[] Run(string statement, params string?[] parameters) =>
        Concat(Bind("", statement, parameters), Execute(), Sync());

    public static byte[] Concat(params byte[][] messages) => messages.SelectMany(m => m).ToArray();

    private static byte[] Message(char type, List<byte> body) => RawPgClient.Message((byte)type, body.Count + 4, [.. body]);

    private static void AddString(List<byte> body, string value)
    {
        body.AddRange(Encoding.UTF8.GetBytes(value));
        body.Add(0);
    }

    private static void AddInt16(List<byte> body, int value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteInt16BigEndian(bytes, checked((short)value));
        body.AddRange(bytes);
    }

    private static void AddInt32(List<byte> body, int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        body.AddRange(bytes);
    }
}
