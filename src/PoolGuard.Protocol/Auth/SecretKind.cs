namespace PoolGuard.Protocol.Auth;

/// <summary>What an auth-file or pg_authid password entry holds.</summary>
public enum SecretKind
{
    /// <summary>The password itself: allows md5, SCRAM and cleartext logins.</summary>
    Plaintext,

    /// <summary>"md5…": allows md5 and cleartext logins, not SCRAM.</summary>
    Md5,

    /// <summary>"SCRAM-SHA-256$…": allows SCRAM and cleartext logins, not md5.</summary>
    Scram,
}
