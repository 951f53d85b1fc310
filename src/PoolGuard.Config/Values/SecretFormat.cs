namespace PoolGuard.Config.Values;

/// <summary>The three ways a user's secret can be stored, as PostgreSQL's pg_authid and PgBouncer's auth_file keep it.</summary>
internal enum SecretKind
{
    /// <summary>The password itself; works with every auth_type.</summary>
    Plaintext,
    /// <summary>"md5" + md5(password + user name): works for md5 and plain, not SCRAM.</summary>
    Md5,
    /// <summary>"SCRAM-SHA-256$iterations:salt$storedkey:serverkey": works for scram-sha-256 and plain, not md5.</summary>
    Scram,
}

internal static class SecretFormat
{
    private const string ScramPrefix = "SCRAM-SHA-256$";

    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    public static SecretKind Classify(string secret)
    {
        if (secret.StartsWith(ScramPrefix, StringComparison.Ordinal))
        {
            return SecretKind.Scram;
        }

        // Exactly PostgreSQL's test: "md5" and 32 hex digits. A plaintext password that merely starts with
        // "md5" stays plaintext.
        return secret.Length == 35 && secret.StartsWith("md5", StringComparison.Ordinal) && !secret.AsSpan(3).ContainsAnyExcept(HexDigits)
            ? SecretKind.Md5
            : SecretKind.Plaintext;
    }

    public static string Describe(SecretKind kind) => kind switch
    {
        SecretKind.Md5 => "an md5 hash",
        SecretKind.Scram => "a SCRAM verifier",
        _ => "a plaintext password",
    };
}
