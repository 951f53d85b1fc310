using System.Buffers.Binary;
using System.Text;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>One backend message as read off the wire.</summary>
internal sealed record PgMessage(byte Type, byte[] Body)
{
    public char TypeChar => (char)Type;

    /// <summary>Authentication request code of an 'R' message (0 ok, 3 cleartext, 5 md5, 10 SASL).</summary>
    public int AuthCode => Type == (byte)'R' ? BinaryPrimitives.ReadInt32BigEndian(Body) : throw new InvalidOperationException($"not an 'R' message: '{TypeChar}'");

    /// <summary>Fields of an ErrorResponse or NoticeResponse, by tag ('S', 'C', 'M', …).</summary>
    public IReadOnlyDictionary<char, string> Fields()
    {
        var fields = new Dictionary<char, string>();
        var at = 0;
        while (at < Body.Length && Body[at] != 0)
        {
            var tag = (char)Body[at++];
            var end = Array.IndexOf(Body, (byte)0, at);
            end = end < 0 ? Body.Length : end;
            fields[tag] = Encoding.UTF8.GetString(Body, at, end - at);
            at = end + 1;
        }
        return fields;
    }

    /// <summary>Text values of a DataRow ('D'); null for SQL NULL.</summary>
    public IReadOnlyList<string?> Columns()
    {
        var count = BinaryPrimitives.ReadInt16BigEndian(Body);
        var values = new List<string?>(count);
        var at = 2;
        for (var i = 0; i < count; i++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(Body.AsSpan(at));
            at += 4;
            values.Add(length < 0 ? null : Encoding.UTF8.GetString(Body, at, length));
            at += Math.Max(length, 0);
        }
        return values;
    }

    public override string ToString() => Type == (byte)'E' ? $"ErrorResponse {string.Join(", ", Fields().Select(f => $"{f.Key}={f.Value}"))}" : $"'{TypeChar}' ({Body.Length} bytes)";
}
