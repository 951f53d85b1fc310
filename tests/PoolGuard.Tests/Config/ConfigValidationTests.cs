using PoolGuard.Config;

namespace PoolGuard.Tests.Config;

public sealed class ConfigValidationTests : IDisposable
{
    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Validation_collects_several_errors_at_once()
    {
        var file = _directory.Write("poolguard.json", """
            { "PoolGuard": {
                "AuthType": "trust", "ListenPort": 0, "DefaultPoolSize": 0, "MaxClientConn": 0,
                "MaxDbConnections": -1, "QueryWaitTimeout": "-5s",
                "Databases": { "app": { "Host": "", "Port": 70000, "PoolSize": 5, "MinPoolSize": 6 } } } }
            """);

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors;

        Assert.Equal(
            [
                new ConfigError(file, "key PoolGuard:ListenPort", "ListenPort must be between 1 and 65535, got 0"),
                new ConfigError(file, "key PoolGuard:DefaultPoolSize", "DefaultPoolSize must be at least 1, got 0: a pool without servers can never serve a client"),
                new ConfigError(file, "key PoolGuard:MaxClientConn", "MaxClientConn must be at least 1, got 0: no client could ever connect"),
                new ConfigError(file, "key PoolGuard:MaxDbConnections", "MaxDbConnections must be 0 or more, got -1 (0 means no cap)"),
                new ConfigError(file, "key PoolGuard:QueryWaitTimeout", "QueryWaitTimeout must not be negative, got -5s (0 turns it off)"),
                new ConfigError(file, "key PoolGuard:Databases:app:Host", "database app: Host must not be empty"),
                new ConfigError(file, "key PoolGuard:Databases:app:Port", "database app: Port must be between 1 and 65535, got 70000"),
                new ConfigError(file, "key PoolGuard:Databases:app:MinPoolSize", "database app: MinPoolSize (6) is larger than PoolSize (5); lower it or raise the pool size"),
            ],
            errors);
    }

    [Fact]
    public void Ini_validation_errors_point_at_the_line_and_use_ini_names()
    {
        var file = _directory.Write("pgbouncer.ini", "[pgbouncer]\nauth_type = trust\nlisten_port = 99999\nmin_pool_size = 30\n");

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file)).Errors;

        Assert.Equal(
            [
                new ConfigError(file, "line 3", "listen_port must be between 1 and 65535, got 99999"),
                new ConfigError(file, "line 4", "min_pool_size (30) is larger than default_pool_size (20); lower it or raise the pool size"),
                new ConfigError(file, "section [databases]", "no databases are configured; add at least one to [databases], or clients have nowhere to go"),
            ],
            errors);
    }

    [Fact]
    public void Md5_auth_with_a_scram_secret_is_an_error_naming_the_user_not_the_secret()
    {
        var userlist = _directory.Write("userlist.txt", $"\"bob\" \"{TestSecrets.Md5}\"\n\"alice\" \"{TestSecrets.Scram}\"\n");
        var file = _directory.Write("pgbouncer.ini", "[databases]\napp = host=db1\n[pgbouncer]\nlisten_addr = 127.0.0.1\nauth_file = userlist.txt\n");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file)).Errors);

        Assert.Equal(new ConfigError(userlist, "line 2", "auth_type md5 needs a plaintext or md5 secret; user alice has a SCRAM verifier"), error);
    }

    [Fact]
    public void Scram_auth_with_an_md5_secret_is_an_error_naming_the_user()
    {
        var file = _directory.Write("poolguard.json", $$"""
            { "PoolGuard": { "Databases": { "app": {} }, "Users": { "bob": { "Password": "{{TestSecrets.Md5}}" } } } }
            """);

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors);

        Assert.Equal(new ConfigError(file, "key PoolGuard:Users:bob:Password", "AuthType scram-sha-256 needs a plaintext or SCRAM secret; user bob has an md5 hash"), error);
    }

    [Fact]
    public void Password_auth_without_any_password_is_an_error()
    {
        var file = _directory.Write("poolguard.json", """{ "PoolGuard": { "AuthType": "md5", "Databases": { "app": {} }, "Users": { "bob": {} } } }""");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors);

        Assert.Equal("key PoolGuard:AuthFile (not set)", error.Location);
        Assert.StartsWith("AuthType md5 needs users with passwords, and none has one", error.Reason);
    }

    [Fact]
    public void A_user_without_a_password_and_pools_larger_than_their_caps_are_warnings()
    {
        var file = _directory.Write("poolguard.json", $$"""
            { "PoolGuard": { "MaxServerConnections": 50, "MaxDbConnections": 10,
                "Databases": { "app": { "PoolSize": 60 }, "other": {} },
                "Users": { "alice": { "Password": "{{TestSecrets.Scram}}" }, "bob": {} } } }
            """);

        var warnings = ConfigLoader.Load(file, TestSecrets.NoEnvironment()).Warnings;

        Assert.Equal(
            [
                "poolguard.json key PoolGuard:Databases:app:PoolSize: database app: PoolSize (60) exceeds MaxDbConnections (10); the pool can never fill",
                "poolguard.json key PoolGuard:Databases:app:PoolSize: database app: PoolSize (60) exceeds MaxServerConnections (50); the pool can never fill",
                "poolguard.json key PoolGuard:MaxDbConnections: DefaultPoolSize (20) exceeds MaxDbConnections (10); pools of that size can never fill",
                "poolguard.json key PoolGuard:Users:bob: user bob has no password, so cannot log in with AuthType scram-sha-256",
            ],
            warnings);
    }

    [Fact]
    public void Secrets_never_appear_in_errors_or_warnings()
    {
        _directory.Write("userlist.txt", $"\"alice\" \"{TestSecrets.Scram}\"\n\"alice\" \"{TestSecrets.Plaintext}\"\n{TestSecrets.Plaintext}\n");
        var file = _directory.Write("poolguard.json", $$"""
            { "PoolGuard": { "AuthType": "md5", "AuthFile": "userlist.txt",
                "Databases": { "app": { "Password": "{{TestSecrets.Plaintext}}", "Port": "x" } },
                "Users": { "alice": { "Password": "{{TestSecrets.Scram}}" }, "bob": { "Password": "{{TestSecrets.Md5}}" } } } }
            """);

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment()));

        Assert.Contains("user alice has a SCRAM verifier", exception.Message);
        foreach (var secret in new[] { TestSecrets.Plaintext, TestSecrets.Md5, TestSecrets.Scram, "SCRAM-SHA-256$" })
        {
            Assert.DoesNotContain(secret, exception.Message, StringComparison.Ordinal);
        }
    }
}
