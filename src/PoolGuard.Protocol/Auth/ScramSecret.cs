using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;

namespace PoolGuard.Protocol.Auth;

/// <summary>
/// A SCRAM-SHA-256 verifier as PostgreSQL stores it in pg_authid.rolpassword:
/// <c>SCRAM-SHA-256$&lt;iterations&gt;:&lt;salt&gt;$&lt;StoredKey&gt;:&lt;ServerKey&gt;</c>.
/// It lets PoolGuard check a client without knowing the password.
/// </summary>
public sealed record ScramSecret
{
    public const string Prefix = "SCRAM-SHA-256$";

    /// <summary>PostgreSQL's default scram_iterations.</summary>
    public const int DefaultIterations = 4096;

    public ScramSecret(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentNullException.ThrowIfNull(storedKey);
        ArgumentNullException.ThrowIfNull(serverKey);
        if (salt.Length == 0)
        {
            throw new ArgumentException("A SCRAM salt cannot be empty.", nameof(salt));
        }

        if (storedKey.Length != ScramKeys.KeyLength || serverKey.Length != ScramKeys.KeyLength)
        {
            throw new ArgumentException($"SCRAM-SHA-256 keys are {ScramKeys.KeyLength} bytes long.");
        }

        Iterations = iterations;
        Salt = salt;
        StoredKey = storedKey;
        ServerKey = serverKey;
    }

    public int Iterations { get; }

    public byte[] Salt { get; }

    public byte[] StoredKey { get; }

    public byte[] ServerKey { get; }

    public static ScramSecret FromPassword(string password, byte[] salt, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        (byte[] clientKey, byte[] serverKey) = ScramKeys.FromPassword(password, salt, iterations);
        byte[] storedKey = ScramKeys.StoredKey(clientKey);
        CryptographicOperations.ZeroMemory(clientKey);
        return new ScramSecret(iterations, (byte[])salt.Clone(), storedKey, serverKey);
    }

    public static bool TryParse(string text, [NotNullWhen(true)] out ScramSecret? secret)
    {
        secret = null;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        string[] halves = text[Prefix.Length..].Split('$');
        if (halves.Length != 2)
        {
            return false;
        }

        string[] header = halves[0].Split(':');
        string[] keys = halves[1].Split(':');
        if (header.Length != 2 || keys.Length != 2
            || !ScramSyntax.TryParseIterations(header[0], out int iterations)
            || !ScramSyntax.TryDecodeBase64(header[1], out byte[]? salt)
            || !ScramSyntax.TryDecodeBase64(keys[0], out byte[]? storedKey)
            || !ScramSyntax.TryDecodeBase64(keys[1], out byte[]? serverKey)
            || salt.Length == 0
            || storedKey.Length != ScramKeys.KeyLength
            || serverKey.Length != ScramKeys.KeyLength)
        {
            return false;
        }

        secret = new ScramSecret(iterations, salt, storedKey, serverKey);
        return true;
    }

    /// <summary>Compares contents, not array references; key bytes are compared in constant time.</summary>
    public bool Equals(ScramSecret? other)
    {
        return other is not null
            && Iterations == other.Iterations
            && Salt.AsSpan().SequenceEqual(other.Salt)
            && CryptographicOperations.FixedTimeEquals(StoredKey, other.StoredKey)
                & CryptographicOperations.FixedTimeEquals(ServerKey, other.ServerKey);
    }

    /// <summary>Hashes only public parts so the hash code says nothing about the keys.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Iterations);
        hash.AddBytes(Salt);
        return hash.ToHashCode();
    }

    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{Prefix}{Iterations}:{Convert.ToBase64String(Salt)}${Convert.ToBase64String(StoredKey)}:{Convert.ToBase64String(ServerKey)}");
}
