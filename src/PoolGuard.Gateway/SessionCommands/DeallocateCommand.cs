using System.Text;

namespace PoolGuard.Gateway.SessionCommands;

/// <summary>
/// Recognises SQL <c>DEALLOCATE [PREPARE] name</c> sent as a simple Query: the statement-level
/// twin of the protocol's Close, which the gateway must apply to the client's own names (the server
/// only knows the gateway's). psycopg 3 evicts statements past its prepared_max this way.
/// <c>DEALLOCATE ALL</c> is a <see cref="ResetCommand"/>.
/// </summary>
internal static class DeallocateCommand
{
    /// <summary>
    /// The client's statement name when <paramref name="sql"/> (without its NUL) is one DEALLOCATE
    /// of a single name; null otherwise. Unquoted names fold to lower case, as PostgreSQL folds them.
    /// </summary>
    public static string? TryParse(ReadOnlySpan<byte> sql)
    {
        var rest = SqlWords.SkipSpace(sql);
        if (!SqlWords.TryKeyword(ref rest, "deallocate"u8) || !SqlWords.StartsWithSpace(rest))
        {
            return null;
        }
        rest = SqlWords.SkipSpace(rest);
        var afterPrepare = rest;
        if (SqlWords.TryKeyword(ref afterPrepare, "prepare"u8) && SqlWords.StartsWithSpace(afterPrepare) && SqlWords.SkipSpace(afterPrepare) is { IsEmpty: false } named && named[0] != (byte)';')
        {
            rest = named;
        }
        if (!TryName(ref rest, out var name) || name == "all")
        {
            return null;
        }
        return SqlWords.IsEnd(rest) ? name : null;
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
        while (length < text.Length && SqlWords.IsIdentifierByte(text[length], first: length == 0))
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
}
