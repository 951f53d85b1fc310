using System.Buffers.Binary;
using System.Text;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>A column of a RowDescription: its name and type OID.</summary>
internal sealed record RowField(string Name, int TypeOid);

/// <summary>Decoding the backend messages of the extended protocol that <see cref="PgMessage"/> does not.</summary>
internal static class BackendMessages
{
    public const int Int4Oid = 23;
    public const int TextOid = 25;

    /// <summary>The status byte of a ReadyForQuery: 'I' idle, 'T' in a transaction, 'E' in a failed one.</summary>
    public static char TransactionStatus(this PgMessage message) =>
        message.Type == (byte)'Z' ? (char)message.Body[0] : throw new InvalidOperationException($"not a ReadyForQuery: {message}");

    /// <summary>The setting a ParameterStatus reports.</summary>
    public static (string Name, string Value) Parameter(this PgMessage message)
    {
        if (message.Type != (byte)'S')
        {
            throw new InvalidOperationException($"not a ParameterStatus: {message}");
        }
        var text = System.Text.Encoding.UTF8.GetString(message.Body).Split('\0');
        return (text[0], text[1]);
    }

    /// <summary>The tag of a CommandComplete ("SELECT 1", "DEALLOCATE").</summary>
    public static string CommandTag(this PgMessage message) =>
        message.Type == (byte)'C' ? System.Text.Encoding.UTF8.GetString(message.Body.AsSpan(0, message.Body.Length - 1)) : throw new InvalidOperationException($"not a CommandComplete: {message}");

    /// <summary>Parameter type OIDs of a ParameterDescription ('t').</summary>
    public static IReadOnlyList<int> ParameterTypes(this PgMessage message)
    {
        if (message.Type != (byte)'t')
        {
            throw new InvalidOperationException($"not a ParameterDescription: {message}");
        }
        var count = BinaryPrimitives.ReadInt16BigEndian(message.Body);
        return Enumerable.Range(0, count).Select(i => BinaryPrimitives.ReadInt32BigEndian(message.Body.AsSpan(2 + 4 * i))).ToList();
    }

    /// <summary>Columns of a RowDescription ('T').</summary>
    public static IReadOnlyList<RowField> RowFields(this PgMessage message)
    {
        if (message.Type != (byte)'T')
        {
            throw new InvalidOperationException($"not a RowDescription: {message}");
        }
        var body = message.Body;
        var count = BinaryPrimitives.ReadInt16BigEndian(body);
        var fields = new List<RowField>(count);
        var at = 2;
        for (var i = 0; i < count; i++)
        {
            var end = Array.IndexOf(body, (byte)0, at);
            var name = Encoding.UTF8.GetString(body, at, end - at);
            at = end + 1 + 4 + 2; // table OID, column number
            fields.Add(new RowField(name, BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(at))));
            at += 4 + 2 + 4 + 2; // type OID, type size, type modifier, format code
        }
        return fields;
    }

    /// <summary>
    /// Leaves out the messages a server may send at any time (ParameterStatus, NoticeResponse,
    /// NotificationResponse): a pooler may add some when it switches a client's server.
    /// </summary>
    public static IReadOnlyList<PgMessage> Synchronous(this IEnumerable<PgMessage> messages) =>
        messages.Where(m => m.TypeChar is not ('S' or 'N' or 'A')).ToList();

    /// <summary>The types of the synchronous messages as a string, e.g. "12DCZ".</summary>
    public static string Types(IEnumerable<PgMessage> messages) => new(messages.Synchronous().Select(m => m.TypeChar).ToArray());
}
