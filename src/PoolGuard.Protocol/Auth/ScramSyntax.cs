using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace PoolGuard.Protocol.Auth;

/// <summary>
/// Lexical rules shared by the SCRAM messages (RFC 5802 section 7) and PostgreSQL's verifier text.
/// Everything here is strict: a peer that sends something unexpected gets a ScramException,
/// never a FormatException or an index error from deeper in the stack.
/// </summary>
internal static class ScramSyntax
{
    /// <summary>Returns the value of <paramref name="part"/>, which must read "key=value".</summary>
    public static string Attribute(string part, char key, string message)
    {
        if (part.Length < 2 || part[0] != key || part[1] != '=')
        {
            throw new ScramException($"Malformed SCRAM {message}: expected attribute '{key}=' but found '{Describe(part)}'.");
        }

        return part[2..];
    }

    /// <summary>Extensions are "letter=value"; RFC 5802 says unknown ones are ignored.</summary>
    public static void RequireExtensions(ReadOnlySpan<string> parts, string message)
    {
        foreach (string part in parts)
        {
            if (part.Length < 2 || !char.IsAsciiLetter(part[0]) || part[1] != '=')
            {
                throw new ScramException($"Malformed SCRAM {message}: unexpected text '{Describe(part)}'.");
            }
        }
    }

    /// <summary>A nonce is printable ASCII without commas (RFC 5802 "printable").</summary>
    public static bool IsPrintable(string value)
    {
        foreach (char c in value)
        {
            if (c < 0x21 || c > 0x7E || c == ',')
            {
                return false;
            }
        }

        return value.Length > 0;
    }

    /// <summary>
    /// Convert.TryFromBase64String skips whitespace; a SCRAM attribute never contains any, so
    /// the alphabet is checked first to keep one canonical spelling per value.
    /// </summary>
    public static bool TryDecodeBase64(string text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text.Length == 0 || text.Length % 4 != 0)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '/' or '='))
            {
                return false;
            }
        }

        var buffer = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64String(text, buffer, out int written))
        {
            return false;
        }

        bytes = buffer[..written];
        return true;
    }

    public static byte[] DecodeBase64(string text, string what, string message)
    {
        return TryDecodeBase64(text, out byte[]? bytes)
            ? bytes
            : throw new ScramException($"Malformed SCRAM {message}: {what} is not valid base64.");
    }

    public static bool TryParseIterations(string text, out int iterations)
    {
        iterations = 0;
        return text.Length > 0
            && text.All(char.IsAsciiDigit)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            && iterations >= 1;
    }

    /// <summary>RFC 5802 saslname: ',' and '=' are written as "=2C" and "=3D".</summary>
    public static string EscapeSaslName(string name) => name.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Keeps error messages short and printable whatever the peer sent.</summary>
    public static string Describe(string part)
    {
        string cut = part.Length > 32 ? part[..32] + "…" : part;
        return new string(cut.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
