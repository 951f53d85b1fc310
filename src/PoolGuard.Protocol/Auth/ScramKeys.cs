using System.Security.Cryptography;

namespace PoolGuard.Protocol.Auth;

/// <summary>The SCRAM-SHA-256 key schedule (RFC 5802 section 3) with SHA-256 as H and HMAC.</summary>
internal static class ScramKeys
{
    public const int KeyLength = 32;

    private static readonly byte[] ClientKeyLabel = "Client Key"u8.ToArray();
    private static readonly byte[] ServerKeyLabel = "Server Key"u8.ToArray();

    /// <summary>Derives ClientKey and ServerKey from a password; the salted password never leaves.</summary>
    public static (byte[] ClientKey, byte[] ServerKey) FromPassword(string password, byte[] salt, int iterations)
    {
        byte[] passwordBytes = ScramSyntax.Utf8(SaslPrep.Apply(password));
        byte[] salted = Rfc2898DeriveBytes.Pbkdf2(passwordBytes, salt, iterations, HashAlgorithmName.SHA256, KeyLength);
        try
        {
            return (HMACSHA256.HashData(salted, ClientKeyLabel), HMACSHA256.HashData(salted, ServerKeyLabel));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(salted);
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    public static byte[] StoredKey(byte[] clientKey) => SHA256.HashData(clientKey);

    public static byte[] Signature(byte[] key, byte[] authMessage) => HMACSHA256.HashData(key, authMessage);

    public static byte[] Xor(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var result = new byte[left.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = (byte)(left[i] ^ right[i]);
        }

        return result;
    }
}
