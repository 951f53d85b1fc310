namespace PoolGuard.Tests.Config;

/// <summary>One secret of each kind an auth file or poolguard.json can hold, and the empty environment tests load with.</summary>
internal static class TestSecrets
{
    public const string Plaintext = "plain-Pa55word";

    // "md5" and 32 hex digits: the shape PostgreSQL keeps in pg_authid (the digits are arbitrary).
    public const string Md5 = "md5aa6ba4ab29a6b3e5e8b6fc6a8cb7ba63";

    public const string Scram = "SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$c3RvcmVka2V5c3RvcmVka2V5c3RvcmVka2V5MTIzNDU2Nzg=:c2VydmVya2V5c2VydmVya2V5c2VydmVya2V5MTIzNDU2Nzg=";

    public static Dictionary<string, string?> NoEnvironment() => new(StringComparer.Ordinal);
}
