namespace PoolGuard.Tests.Config;

/// <summary>The smallest valid files of each kind, for tests that change one thing about them.</summary>
internal static class ConfigSamples
{
    public const string MinimalJson = """
        { "PoolGuard": { "AuthType": "trust", "Databases": { "app": { "Host": "db1" } } } }
        """;

    /// <summary>A valid trust-mode pgbouncer.ini whose [pgbouncer] section ends at line 6; <paramref name="extra"/> starts at line 7.</summary>
    public static string TrustIni(string extra) => $"""
        [databases]
        app = host=db1
        [pgbouncer]
        listen_addr = 127.0.0.1
        auth_type = trust
        listen_port = 6432
        {extra}
        """;
}
