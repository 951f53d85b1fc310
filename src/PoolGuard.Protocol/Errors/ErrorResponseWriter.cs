using System.Buffers;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Protocol.Errors;

/// <summary>Writes ErrorResponse / NoticeResponse messages (field-tagged, NUL-terminated).</summary>
public static class ErrorResponseWriter
{
    public static void WriteError(IBufferWriter<byte> writer, PgError error) =>
        Write(writer, BackendMessage.ErrorResponse, error);

    public static void WriteNotice(IBufferWriter<byte> writer, PgError notice) =>
        Write(writer, BackendMessage.NoticeResponse, notice);

    private static void Write(IBufferWriter<byte> writer, byte type, PgError error)
    {
        // 'S' localised severity, 'V' non-localised (PostgreSQL 9.6+ clients read V), 'C' code, 'M' message.
        var length = Field(error.Severity) * 2 + Field(error.Code) + Field(error.Message)
            + Field(error.Detail) + Field(error.Hint) + 1;
        var span = MessageWriter.Begin(writer, type, length);
        var at = Put(span, (byte)'S', error.Severity);
        at += Put(span[at..], (byte)'V', error.Severity);
        at += Put(span[at..], (byte)'C', error.Code);
        at += Put(span[at..], (byte)'M', error.Message);
        at += Put(span[at..], (byte)'D', error.Detail);
        at += Put(span[at..], (byte)'H', error.Hint);
        span[at] = 0;
        writer.Advance(MessageWriter.Size(length));
    }

    private static int Field(string? value) => value is null ? 0 : 1 + MessageWriter.CStringLength(value);

    private static int Put(Span<byte> span, byte tag, string? value)
    {
        if (value is null)
        {
            return 0;
        }
        span[0] = tag;
        return 1 + MessageWriter.PutCString(span[1..], value);
    }
}
