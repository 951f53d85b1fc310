using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace PoolGuard.Protocol.Auth;

/// <summary>
/// PostgreSQL's md5 password scheme: stored as "md5" + hex(md5(password + user)); on the wire the
/// client answers a 4-byte salt with "md5" + hex(md5(hex-of-stored-hash + salt)).
/// </summary>
public static class Md5Password
{
    public const string Prefix = "md5";

    /// <summary>"md5" plus 32 hex digits.</summary>
    public const int SecretLength = 35;

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>
    /// PostgreSQL hashes the bytes in the database encoding; UTF-8 is assumed here, which matches
    /// every ASCII password and any UTF-8 database.
    /// </summary>
    public static string Hash(string password, string user)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(user);
        return Prefix + Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(password + user)));
    }

    /// <summary>
    /// Like PostgreSQL, a password that looks like an md5 hash is taken to be one; upper-case
    /// hex is accepted too, since a hand-edited auth file may contain it, and folded to lower
    /// case because the response hashes the hex text itself.
    /// </summary>
    public static bool IsMd5Secret(string secret)
    {
        return secret.Length == SecretLength
            && secret.StartsWith(Prefix, StringComparison.Ordinal)
            && !secret.AsSpan(Prefix.Length).ContainsAnyExcept(HexDigits);
    }

    /// <summary>The PasswordMessage body a client sends, without the terminating NUL.</summary>
    public static byte[] Response(string secretOrPassword, string user, ReadOnlySpan<byte> salt4)
    {
        ArgumentNullException.ThrowIfNull(secretOrPassword);
        if (salt4.Length != 4)
        {
            throw new ArgumentException("The md5 authentication salt is 4 bytes.", nameof(salt4));
        }

        string stored = IsMd5Secret(secretOrPassword) ? secretOrPassword : Hash(secretOrPassword, user);
        Span<byte> input = stackalloc byte[SecretLength - Prefix.Length + 4];
        Encoding.ASCII.GetBytes(stored[Prefix.Length..].ToLowerInvariant(), input);
        salt4.CopyTo(input[(SecretLength - Prefix.Length)..]);
        return Encoding.ASCII.GetBytes(Prefix + Convert.ToHexStringLower(MD5.HashData(input)));
    }

    public static bool Verify(string secretOrPassword, string user, ReadOnlySpan<byte> salt4, ReadOnlySpan<byte> clientResponse)
    {
        return CryptographicOperations.FixedTimeEquals(Response(secretOrPassword, user, salt4), clientResponse);
    }
}
