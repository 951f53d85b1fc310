using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Benchmarks;

/// <summary>
/// The bytes of a pgbench -S round trip: the client's Query and the server's reply
/// (RowDescription, DataRow, CommandComplete, ReadyForQuery), built once and reused.
/// </summary>
internal static class PgbenchMessages
{
    /// <summary>Size of <see cref="Query"/>: a short select, as pgbench -S sends (simple protocol).</summary>
    public const int QuerySize = 40;

    /// <summary>Size of <see cref="Reply"/>: one int4 column, one row.</summary>
    public const int ReplySize = 100;

    /// <summary>Messages in <see cref="Reply"/>.</summary>
    public const int ReplyMessages = 4;

    public static readonly byte[] Query = BuildQuery();

    public static readonly byte[] Reply = BuildReply();

    /// <summary><paramref name="replies"/> replies back to back: what a busy server's socket delivers.</summary>
    public static byte[] Replies(int replies)
    {
        var bytes = new byte[replies * Reply.Length];
        for (var i = 0; i < replies; i++)
        {
            Reply.CopyTo(bytes, i * Reply.Length);
        }
        return bytes;
    }

    private static byte[] BuildQuery()
    {
        // 'Q' + length + 34 characters of SQL + NUL = 40 bytes.
        const string sql = "SELECT abalance FROM a WHERE aid=1";
        var writer = new ArrayBufferWriter<byte>();
        MessageWriter.WriteQuery(writer, sql);
        return Checked(writer, QuerySize);
    }

    private static byte[] BuildReply()
    {
        var writer = new ArrayBufferWriter<byte>();

        // RowDescription: one column "abalance", int4 (oid 23), text format.
        var name = "abalance"u8;
        var rowDescription = 2 + name.Length + 1 + 4 + 2 + 4 + 2 + 4 + 2;
        var span = Begin(writer, BackendMessage.RowDescription, rowDescription);
        BinaryPrimitives.WriteInt16BigEndian(span, 1);
        name.CopyTo(span[2..]);
        var at = 2 + name.Length + 1;
        BinaryPrimitives.WriteInt32BigEndian(span[at..], 16397);  // table oid
        BinaryPrimitives.WriteInt16BigEndian(span[(at + 4)..], 3); // attribute number
        BinaryPrimitives.WriteInt32BigEndian(span[(at + 6)..], 23); // int4
        BinaryPrimitives.WriteInt16BigEndian(span[(at + 10)..], 4);
        BinaryPrimitives.WriteInt32BigEndian(span[(at + 12)..], -1);
        BinaryPrimitives.WriteInt16BigEndian(span[(at + 16)..], 0);
        writer.Advance(MessageHeader.Size + rowDescription);

        const string commandTag = "SELECT 1";
        var fixedPart = writer.WrittenCount + (MessageHeader.Size + 2 + 4) + (MessageHeader.Size + commandTag.Length + 1) + (MessageHeader.Size + 1);

        // DataRow: one value, padded so that the whole reply is ReplySize bytes.
        var value = Encoding.ASCII.GetBytes(new string('7', ReplySize - fixedPart));
        span = Begin(writer, BackendMessage.DataRow, 2 + 4 + value.Length);
        BinaryPrimitives.WriteInt16BigEndian(span, 1);
        BinaryPrimitives.WriteInt32BigEndian(span[2..], value.Length);
        value.CopyTo(span[6..]);
        writer.Advance(MessageHeader.Size + 6 + value.Length);

        span = Begin(writer, BackendMessage.CommandComplete, commandTag.Length + 1);
        Encoding.ASCII.GetBytes(commandTag, span);
        span[commandTag.Length] = 0;
        writer.Advance(MessageHeader.Size + commandTag.Length + 1);

        MessageWriter.WriteReadyForQuery(writer, TransactionStatus.Idle);
        return Checked(writer, ReplySize);
    }

    private static Span<byte> Begin(ArrayBufferWriter<byte> writer, byte type, int bodyLength)
    {
        var span = writer.GetSpan(MessageHeader.Size + bodyLength);
        span[0] = type;
        BinaryPrimitives.WriteInt32BigEndian(span[1..], bodyLength + 4);
        return span.Slice(MessageHeader.Size, bodyLength);
    }

    private static byte[] Checked(ArrayBufferWriter<byte> writer, int expected) =>
        writer.WrittenCount == expected
            ? writer.WrittenSpan.ToArray()
            : throw new InvalidOperationException($"built {writer.WrittenCount} bytes, expected {expected}");
}
