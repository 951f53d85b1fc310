using System.Buffers;
using PoolGuard.Gateway.SessionCommands;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Transactions;

/// <summary>
/// Prepares and closes of named statements sent between transactions, answered by the gateway
/// without taking a server: the statement is prepared on a server at its first Bind or Describe
/// anyway. This is what keeps clients that prepare synchronously (libpq's PQprepare, as pgbench
/// -M prepared uses it) from blocking a whole client thread in the pool's queue while other
/// clients of that thread hold servers mid-transaction — a deadlock no pool size can rule out.
/// The price: a syntax error in such a Parse is reported at the statement's first use.
/// </summary>
internal static class LocalStatementMessages
{
    /// <summary>
    /// True when <paramref name="buffer"/> is nothing but whole named Parse / statement Close
    /// messages, each batch ended by Sync or Flush; <paramref name="reply"/> is then the answer.
    /// </summary>
    public static bool TryAnswer(in ReadOnlySequence<byte> buffer, ClientStatements? statements, out ReadOnlyMemory<byte> reply)
    {
        reply = default;
        if (statements is null || buffer.Length > 64 * 1024)
        {
            return false;
        }
        if (TryAnswerDeallocate(buffer, statements, out reply))
        {
            return true;
        }
        if (!IsOnlyStatementMessages(buffer, statements))
        {
            return false;
        }
        var writer = new ArrayBufferWriter<byte>(64);
        var rest = buffer;
        while (MessageHeader.TryRead(rest, out var header))
        {
            var body = rest.Slice(MessageHeader.Size, header.BodyLength).ToArray();
            switch (header.Type)
            {
                case FrontendMessage.Parse:
                    var end = Array.IndexOf(body, (byte)0);
                    var parseRest = body.AsSpan(end + 1);
                    statements.Set(statements.Create(System.Text.Encoding.UTF8.GetString(body, 0, end), parseRest));
                    writer.Write(MessageWriter.ParseComplete);
                    break;
                case FrontendMessage.Close:
                    statements.Remove(body.AsSpan(1, body.Length - 2));
                    writer.Write(MessageWriter.CloseComplete);
                    break;
                case FrontendMessage.Sync:
                    MessageWriter.WriteReadyForQuery(writer, TransactionStatus.Idle);
                    break;
            }
            rest = rest.Slice(header.TotalSize);
        }
        reply = writer.WrittenMemory;
        return true;
    }

    /// <summary>
    /// One simple Query that is a DEALLOCATE of one name: answered as PostgreSQL would outside a
    /// transaction, CommandComplete or 26000 for a name the client never prepared, then idle.
    /// </summary>
    private static bool TryAnswerDeallocate(in ReadOnlySequence<byte> buffer, ClientStatements statements, out ReadOnlyMemory<byte> reply)
    {
        reply = default;
        if (!MessageHeader.TryRead(buffer, out var header) || header.Type != FrontendMessage.Query || buffer.Length != header.TotalSize
            || header.BodyLength is < 2 or > SqlWords.MaxLength || !SqlWords.MayBeCommand(buffer.Slice(MessageHeader.Size, 1).FirstSpan[0]))
        {
            return false;
        }
        // Every transaction's first message comes by here: one byte looked at, nothing allocated.
        Span<byte> sql = stackalloc byte[SqlWords.MaxLength];
        buffer.Slice(MessageHeader.Size, header.BodyLength - 1).CopyTo(sql);
        if (DeallocateCommand.TryParse(sql[..(header.BodyLength - 1)]) is not { } name)
        {
            return false;
        }
        var writer = new ArrayBufferWriter<byte>(64);
        var nameBytes = System.Text.Encoding.UTF8.GetBytes(name);
        if (statements.Contains(nameBytes))
        {
            statements.Remove(nameBytes);
            ResultSetWriter.WriteCommandComplete(writer, "DEALLOCATE");
        }
        else
        {
            PoolGuard.Protocol.Errors.ErrorResponseWriter.WriteError(writer, PoolGuard.Protocol.Errors.PgError.Error(
                PoolGuard.Protocol.Errors.SqlState.InvalidSqlStatementName, $"prepared statement \"{name}\" does not exist"));
        }
        MessageWriter.WriteReadyForQuery(writer, TransactionStatus.Idle);
        reply = writer.WrittenMemory;
        return true;
    }

    /// <summary>A Parse of a name the client already has must fail on a server, as on PostgreSQL.</summary>
    private static bool IsOnlyStatementMessages(ReadOnlySequence<byte> buffer, ClientStatements statements)
    {
        var rest = buffer;
        var sawStatement = false;
        byte last = 0;
        while (!rest.IsEmpty)
        {
            if (!MessageHeader.TryRead(rest, out var header) || !header.IsLengthValid || rest.Length < header.TotalSize)
            {
                return false;
            }
            var first = header.BodyLength > 0 ? rest.Slice(MessageHeader.Size, 1).FirstSpan[0] : (byte)0;
            switch (header.Type)
            {
                case FrontendMessage.Parse when first != 0 && IsNulTerminatedName(rest, header, 0) && !IsKnown(rest, statements):
                case FrontendMessage.Close when first == (byte)'S' && header.BodyLength > 2 && IsNulTerminatedName(rest, header, 1):
                    sawStatement = true;
                    break;
                case FrontendMessage.Sync:
                case FrontendMessage.Flush:
                    break;
                default:
                    return false;
            }
            last = header.Type;
            rest = rest.Slice(header.TotalSize);
        }
        return sawStatement && last is FrontendMessage.Sync or FrontendMessage.Flush;
    }

    private static bool IsKnown(in ReadOnlySequence<byte> message, ClientStatements statements)
    {
        var body = message.Slice(MessageHeader.Size);
        var end = body.PositionOf((byte)0)!.Value;
        return statements.Contains(body.Slice(0, end).ToArray());
    }

    private static bool IsNulTerminatedName(in ReadOnlySequence<byte> message, MessageHeader header, int skip)
    {
        var body = message.Slice(MessageHeader.Size + skip, header.BodyLength - skip);
        return body.PositionOf((byte)0) is not null;
    }
}
