using System.Buffers;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Protocol.Errors;

/// <summary>Reads an ErrorResponse body from a server, e.g. to pass a login failure to the client.</summary>
public static class ErrorResponseParser
{
    public static PgError Parse(ReadOnlySequence<byte> body)
    {
        string severity = "ERROR", code = SqlState.InternalError, message = "(no message)";
        string? detail = null, hint = null, nonLocalisedSeverity = null;
        var reader = new MessageReader(body);
        while (reader.TryReadByte(out var tag) && tag != 0)
        {
            if (!reader.TryReadCString(out var value))
            {
                break;
            }
            switch ((char)tag)
            {
                case 'S': severity = value; break;
                case 'V': nonLocalisedSeverity = value; break;
                case 'C': code = value; break;
                case 'M': message = value; break;
                case 'D': detail = value; break;
                case 'H': hint = value; break;
            }
        }
        return new PgError(nonLocalisedSeverity ?? severity, code, message) { Detail = detail, Hint = hint };
    }
}
