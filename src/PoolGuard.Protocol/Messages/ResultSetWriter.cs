using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace PoolGuard.Protocol.Messages;

/// <summary>A column of a result set the gateway answers itself: its name and type OID (text format).</summary>
public readonly record struct ResultColumn(string Name, int TypeOid);

/// <summary>
/// The messages of a simple-query answer the gateway makes itself (the admin console): RowDescription,
/// DataRow (every value in text format, null as SQL NULL), CommandComplete and EmptyQueryResponse.
/// </summary>
public static class ResultSetWriter
{
    public static void WriteRowDescription(IBufferWriter<byte> writer, IReadOnlyList<ResultColumn> columns)
    {
        var length = 2;
        foreach (var column in columns)
        {
            length += MessageWriter.CStringLength(column.Name) + 18;
        }
        var span = MessageWriter.Begin(writer, BackendMessage.RowDescription, length);
        BinaryPrimitives.WriteInt16BigEndian(span, checked((short)columns.Count));
        var at = 2;
        foreach (var column in columns)
        {
            at += MessageWriter.PutCString(span[at..], column.Name);
            BinaryPrimitives.WriteInt32BigEndian(span[at..], 0); // no table
            BinaryPrimitives.WriteInt16BigEndian(span[(at + 4)..], 0); // no column number
            BinaryPrimitives.WriteInt32BigEndian(span[(at + 6)..], column.TypeOid);
            BinaryPrimitives.WriteInt16BigEndian(span[(at + 10)..], TypeOids.SizeOf(column.TypeOid));
            BinaryPrimitives.WriteInt32BigEndian(span[(at + 12)..], -1); // no type modifier
            BinaryPrimitives.WriteInt16BigEndian(span[(at + 16)..], 0); // text format
            at += 18;
        }
        writer.Advance(MessageWriter.Size(length));
    }

    public static void WriteDataRow(IBufferWriter<byte> writer, IReadOnlyList<string?> values)
    {
        var length = 2;
        foreach (var value in values)
        {
            length += 4 + (value is null ? 0 : Encoding.UTF8.GetByteCount(value));
        }
        var span = MessageWriter.Begin(writer, BackendMessage.DataRow, length);
        BinaryPrimitives.WriteInt16BigEndian(span, checked((short)values.Count));
        var at = 2;
        foreach (var value in values)
        {
            if (value is null)
            {
                BinaryPrimitives.WriteInt32BigEndian(span[at..], -1);
                at += 4;
                continue;
            }
            var written = Encoding.UTF8.GetBytes(value, span[(at + 4)..]);
            BinaryPrimitives.WriteInt32BigEndian(span[at..], written);
            at += 4 + written;
        }
        writer.Advance(MessageWriter.Size(length));
    }

    /// <summary>CommandComplete with its tag ("SHOW", "SELECT 3"…).</summary>
    public static void WriteCommandComplete(IBufferWriter<byte> writer, string tag)
    {
        var length = MessageWriter.CStringLength(tag);
        var span = MessageWriter.Begin(writer, BackendMessage.CommandComplete, length);
        MessageWriter.PutCString(span, tag);
        writer.Advance(MessageWriter.Size(length));
    }
}
