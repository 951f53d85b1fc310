namespace PoolGuard.Gateway.SessionCommands;

/// <summary>
/// The little SQL the gateway reads in a client's simple Query: white space, keywords in any case,
/// identifiers. Only short queries whose first byte could start a session command are looked at
/// (<see cref="MayBeCommand"/>, one byte on the hot path).
/// </summary>
internal static class SqlWords
{
    /// <summary>Queries longer than this are not looked at: a DEALLOCATE of a name up to NAMEDATALEN fits.</summary>
    public const int MaxLength = 160;

    /// <summary>DEALLOCATE, DISCARD or RESET, possibly after white space.</summary>
    public static bool MayBeCommand(byte first) =>
        first is (byte)'d' or (byte)'D' or (byte)'r' or (byte)'R' or (byte)' ' or (byte)'\n' or (byte)'\t' or (byte)'\r';

    public static bool IsIdentifierByte(byte b, bool first) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_' or >= 0x80
        || (!first && b is >= (byte)'0' and <= (byte)'9' or (byte)'$');

    /// <summary>Takes <paramref name="lowerKeyword"/> off the front of <paramref name="text"/>, in any case, as a whole word.</summary>
    public static bool TryKeyword(ref ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerKeyword)
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

    /// <summary>True when <paramref name="text"/> is nothing but an optional semicolon and white space.</summary>
    public static bool IsEnd(ReadOnlySpan<byte> text)
    {
        text = SkipSpace(text);
        if (!text.IsEmpty && text[0] == (byte)';')
        {
            text = SkipSpace(text[1..]);
        }
        return text.IsEmpty;
    }

    public static bool StartsWithSpace(ReadOnlySpan<byte> text) => !text.IsEmpty && IsSpace(text[0]);

    public static ReadOnlySpan<byte> SkipSpace(ReadOnlySpan<byte> text)
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
