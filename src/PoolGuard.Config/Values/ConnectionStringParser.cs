using System.Text;

namespace PoolGuard.Config.Values;

/// <summary>
/// Splits the libpq-style value of a [databases] or [users] line — <c>host=db1 port=5432 password='it''s'</c> —
/// into its pairs; [watch] lines and JSON Watch entries use the same form. Values may be single-quoted; inside
/// quotes \' and '' stand for a quote and \\ for a backslash; outside quotes a backslash escapes the next character.
/// Errors name the key, never the value, because the value may be a password.
/// </summary>
internal static class ConnectionStringParser
{
    public static bool TryParse(string text, out List<KeyValuePair<string, string>> pairs, out string error)
    {
        pairs = [];
        error = "";
        var position = 0;
        while (true)
        {
            SkipSpaces(text, ref position);
            if (position >= text.Length)
            {
                return true;
            }

            var keyStart = position;
            while (position < text.Length && text[position] != '=' && !char.IsWhiteSpace(text[position]))
            {
                position++;
            }

            var key = text[keyStart..position];
            SkipSpaces(text, ref position);
            if (position >= text.Length || text[position] != '=')
            {
                // After the first pair, a stray word may be the rest of an unquoted password: name the
                // previous key, not the word.
                error = pairs.Count == 0
                    ? $"expected '=' after '{key}' (entries are written key=value)"
                    : $"expected key=value after the value of '{pairs[^1].Key}' (quote a value with spaces: key='a b')";
                return false;
            }

            position++;
            SkipSpaces(text, ref position);
            if (!TryReadValue(text, ref position, out var value))
            {
                error = $"the quoted value of '{key}' has no closing single quote";
                return false;
            }

            if (position < text.Length && !char.IsWhiteSpace(text[position]))
            {
                error = $"the quoted value of '{key}' must be followed by a space (write '' or \\' for a quote inside it)";
                return false;
            }

            pairs.Add(new(key, value));
        }
    }

    private static bool TryReadValue(string text, ref int position, out string value)
    {
        var result = new StringBuilder();
        var quoted = position < text.Length && text[position] == '\'';
        var i = quoted ? position + 1 : position;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                result.Append(text[++i]);
            }
            else if (quoted && c == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
            {
                result.Append('\'');
                i++;
            }
            else if (quoted && c == '\'')
            {
                position = i + 1;
                value = result.ToString();
                return true;
            }
            else if (!quoted && char.IsWhiteSpace(c))
            {
                break;
            }
            else
            {
                result.Append(c);
            }
        }

        position = i;
        value = result.ToString();
        return !quoted;
    }

    private static void SkipSpaces(string text, ref int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }
}
