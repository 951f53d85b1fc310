using System.Security.Cryptography;
using System.Text;

namespace PoolGuard.Protocol.Auth;

/// <summary>Decides what a stored secret is and checks cleartext passwords against any kind.</summary>
public static class StoredSecret
{
    /// <summary>
    /// Follows PostgreSQL: anything that is not a well-formed md5 hash or SCRAM verifier is a
    /// plaintext password, including a damaged "SCRAM-SHA-256$…" line.
    /// </summary>
    public static SecretKind Classify(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (Md5Password.IsMd5Secret(secret))
        {
            return SecretKind.Md5;
        }

        return ScramSecret.TryParse(secret, out _) ? SecretKind.Scram : SecretKind.Plaintext;
    }

    /// <summary>True when <paramref name="password"/>, sent in the clear by the client, matches the secret.</summary>
    public static bool VerifyCleartext(string secret, string user, string password)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);

        if (Md5Password.IsMd5Secret(secret))
        {
            byte[] expected = Encoding.ASCII.GetBytes(secret.ToLowerInvariant());
            return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(Md5Password.Hash(password, user)));
        }

        if (ScramSecret.TryParse(secret, out ScramSecret? scram))
        {
            ScramSecret candidate = ScramSecret.FromPassword(password, scram.Salt, scram.Iterations);
            return CryptographicOperations.FixedTimeEquals(candidate.StoredKey, scram.StoredKey)
                & CryptographicOperations.FixedTimeEquals(candidate.ServerKey, scram.ServerKey);
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(password));
    }
}
