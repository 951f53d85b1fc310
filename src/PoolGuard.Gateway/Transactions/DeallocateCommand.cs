using System.Text;

namespace PoolGuard.Gateway.Transactions;

/// <summary>
/// Recognises SQL <c>DEALLOCATE [PREPARE] name</c> sent as a simple Query: the statement-level
/// twin of the protocol's Close, which the gateway must apply to the client's own names (the server
/// only knows the gateway's). psycopg 3 evicts statements past its prepared_max this way.
/// <c>DEALLOCATE ALL</c> is left to the server, which really drops everything.
/// </summary>
internal static class DeallocateCommand
{
    /// <summary>Queries longer than this are not looked at: a DEALLOCATE of a name up to NAMEDATALEN fits.</summary>
    public const int MaxLength = 160;

    /// <summary>
    /// The client's statement name when <paramref name="sql"/> (without its NUL) is one DEALLOCATE
    /// of a single name; null otherwise. Unquoted names fold to lower case, as PostgreSQL folds them.
    /// </summary>
    public static string? TryParse(ReadOnlySpan<byte> sql)
    {
        var rest = SkipSpace(sql);
        if (!TryKeyword(ref rest, "deallocate"u8) || !StartsWithSpace(rest))
        {
            return null;
        }
        rest = SkipSpace(rest);
        var afterPrepare = rest;
        if (TryKeyword(ref afterPrepare, "prepare"u8) && StartsWithSpace(afterPrepare) && SkipSpace(afterPrepare) is { IsEmpty: false } named && named[0] != (byte)';')
        {
            rest = named;
        }
        if (!TryName(ref rest, out var name) || name == "all")
        {
            return null;
        }
        rest = SkipSpace(rest);
        if (!rest.IsEmpty && rest[0] == (byte)';')
        {
            rest = SkipSpace(rest[1..]);
        }
        return rest.IsEmpty ? name : null;
    }

    private static bool TryName(ref ReadOnlySpan<byte> text, out string name)
    {
        name = "";
        if (text.IsEmpty)
        {
            return false;
        }
        if (text[0] == (byte)'"')
        {
            var builder = new StringBuilder();
            var i = 1;
            while (i < text.Length)
            {
                if (text[i] == (byte)'"')
                {
                    if (i + 1 < text.Length && text[i + 1] == (byte)'"')
                    {
                        builder.Append('"');
                        i += 2;
                        continue;
                    }
                    name = builder.ToString();
                    text = text[(i + 1)..];
                    return name.Length > 0;
                }
                var end = text[i..].IndexOfAny((byte)'"', (byte)0);
                if (end <= 0)
                {
                    return false;
                }
                builder.Append(Encoding.UTF8.GetString(text.Slice(i, end)));
                i += end;
            }
            return false;
        }
        var length = 0;
        while (length < text.Length && IsIdentifierByte(text[length], first: length == 0))
        {
            length++;
        }
        if (length == 0)
        {
            return false;
        }
        // ASCII folding only, as PostgreSQL's downcase_identifier does for unquoted names.
        name = Encoding.UTF8.GetString(text[..length]).ToLowerInvariant();
        text = text[length..];
        return true;
    }

    private static bool IsIdentifierByte(byte b, bool first) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_' or >= 0x80
        || (!first && b is >= (byte)'0' and <= (byte)'9' or (byte)'$');

    private static bool TryKeyword(ref ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerKeyword)
    {
        if (text.Length < lowerKeyword.Length)
        {
            return false;
        }
        for (var i = 0; i < lowerKeyword.Length; i++)
        {
            if ((text[i] | 0x20) != lowerKeyword[i])
            {
                return false;
            }
        }
        if (text.Length > lowerKeyword.Length && IsIdentifierByte(text[lowerKeyword.Length], first: false))
        {
            return false;
        }
        text = text[lowerKeyword.Length..];
        return true;
    }

    private static bool StartsWithSpace(ReadOnlySpan<byte> text) => !text.IsEmpty && IsSpace(text[0]);

    private static ReadOnlySpan<byte> SkipSpace(ReadOnlySpan<byte> text)
    {
        var i = 0;
        while (i < text.Length && IsSpace(text[i]))
        {
            i++;
        }
        return text[i..];
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f';
}
