using PoolGuard.Config;

namespace PoolGuard.Tests.Config;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Missing_file_is_an_error_that_names_the_file()
    {
        var file = Path.Combine(_directory.Path, "absent.json");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file)).Errors);

        Assert.Equal(new ConfigError(file, "file", "not found"), error);
    }

    [Fact]
    public void Unsupported_file_type_is_an_error_that_names_the_file()
    {
        var file = _directory.Write("poolguard.yaml", "PoolGuard: {}");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file)).Errors);

        Assert.Equal((file, "file"), (error.File, error.Location));
        Assert.StartsWith("unsupported file type '.yaml'", error.Reason);
    }

    [Fact]
    public void Relative_paths_are_reported_as_full_paths()
    {
        var file = _directory.Write("poolguard.json", """{ "PoolGuard": { "AuthType": "trust", "Databases": { "app": {} } } }""");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, file);

        Assert.Equal(file, ConfigLoader.Load(relative, TestSecrets.NoEnvironment()).SourceFile);
    }

    [Fact]
    public void A_dot_file_loads_like_any_other()
    {
        var file = _directory.Write(".poolguard.json", ConfigSamples.MinimalJson);

        Assert.Equal("db1", ConfigLoader.Load(file, TestSecrets.NoEnvironment()).Config.Databases["app"].Host);
    }

    [Fact]
    public void Config_error_prints_as_file_location_reason()
    {
        var error = new ConfigError("/etc/poolguard.json", "key PoolGuard:ListenPort", "expected a whole number, got 'x'");

        Assert.Equal("/etc/poolguard.json: key PoolGuard:ListenPort: expected a whole number, got 'x'", error.ToString());
    }

    [Fact]
    public void Config_exception_message_lists_every_error_on_its_own_line()
    {
        var exception = new ConfigException([new ConfigError("a.ini", "line 1", "one"), new ConfigError("a.ini", "line 2", "two")]);

        Assert.Equal($"a.ini: line 1: one{Environment.NewLine}a.ini: line 2: two", exception.Message);
        Assert.Equal(2, exception.Errors.Count);
    }

    [Fact]
    public void Review_loading_does_not_need_what_comes_with_the_deployment_but_keeps_every_other_rule()
    {
        var json = _directory.Write("review.json", """
            { "PoolGuard": { "AuthFile": "/etc/poolguard/absent.txt", "ClientTlsSslMode": "require",
              "ClientTlsCertFile": "/etc/poolguard/absent.crt", "ClientTlsKeyFile": "/etc/poolguard/absent.key",
              "Databases": { "app": { "Host": "db" } } } }
            """);
        var ini = _directory.Write("review.ini", "[databases]\napp = host=db\n[pgbouncer]\nlisten_addr = 127.0.0.1\nauth_file = absent.txt\n");

        Assert.Throws<ConfigException>(() => ConfigLoader.Load(json, new Dictionary<string, string?>()));
        Assert.Equal("db", ConfigLoader.LoadForReview(json).Config.Databases["app"].Host);
        Assert.Equal("db", ConfigLoader.LoadForReview(ini).Config.Databases["app"].Host);
        var invalid = _directory.Write("invalid.json", """{ "PoolGuard": { "AuthFile": "absent.txt", "DefaultPoolSize": 0, "Databases": { "app": {} } } }""");
        Assert.Contains(Assert.Throws<ConfigException>(() => ConfigLoader.LoadForReview(invalid)).Errors, e => e.Location.Contains("DefaultPoolSize", StringComparison.Ordinal));
    }
}
