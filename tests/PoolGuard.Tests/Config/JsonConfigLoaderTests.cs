using PoolGuard.Config;
using PoolGuard.Config.Model;

namespace PoolGuard.Tests.Config;

public sealed class JsonConfigLoaderTests : IDisposable
{
    private const string FullFile = """
        {
          "Logging": { "LogLevel": { "Default": "Information" } },
          "PoolGuard": {
            "ListenAddress": "127.0.0.2", "ListenPort": 7432, "AuthType": "scram-sha-256",
            "PoolMode": "transaction", "DefaultPoolSize": 25, "MinPoolSize": 2, "MaxClientConn": 500,
            "MaxDbConnections": 40, "MaxUserConnections": 30, "MaxServerConnections": 90, "MaxWaitingClients": 200,
            "QueryWaitTimeout": "90s", "ClientLoginTimeout": "00:00:20", "ServerIdleTimeout": "5m", "ServerLifetime": "1h",
            "ServerConnectTimeout": 3, "ServerResetQuery": "DEALLOCATE ALL", "IgnoreStartupParameters": ["extra_float_digits", "options"],
            "AdminUsers": ["admin"],
            "Databases": {
              "app": { "Host": "db.internal", "Port": 5433, "DbName": "app_prod", "User": null, "Password": null,
                       "PoolSize": 10, "MinPoolSize": 1, "MaxDbConnections": 20, "PoolMode": "session" },
              "reports": { "Host": "10.0.0.5", "User": "reporter", "Password": "hunter2" }
            },
            "Users": {
              "alice": { "Password": "PLAINTEXT", "MaxUserConnections": 5, "PoolMode": "Statement" },
              "admin": { "Password": "SCRAM" }
            }
          }
        }
        """;

    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Full_json_file_round_trips_into_the_model()
    {
        var file = _directory.Write("poolguard.json", FullFile.Replace("PLAINTEXT", TestSecrets.Plaintext).Replace("\"SCRAM\"", $"\"{TestSecrets.Scram}\""));

        var result = ConfigLoader.Load(file, TestSecrets.NoEnvironment());

        var config = result.Config;
        Assert.Equal(file, result.SourceFile);
        Assert.Empty(result.Warnings);
        Assert.Equal("127.0.0.2", config.ListenAddress);
        Assert.Equal(7432, config.ListenPort);
        Assert.Equal(AuthType.ScramSha256, config.AuthType);
        Assert.Equal(PoolMode.Transaction, config.PoolMode);
        Assert.Equal((25, 2, 500), (config.DefaultPoolSize, config.MinPoolSize, config.MaxClientConn));
        Assert.Equal((40, 30, 90, 200), (config.MaxDbConnections, config.MaxUserConnections, config.MaxServerConnections, config.MaxWaitingClients));
        Assert.Equal(TimeSpan.FromSeconds(90), config.QueryWaitTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), config.ClientLoginTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), config.ServerIdleTimeout);
        Assert.Equal(TimeSpan.FromHours(1), config.ServerLifetime);
        Assert.Equal(TimeSpan.FromSeconds(3), config.ServerConnectTimeout);
        Assert.Equal("DEALLOCATE ALL", config.ServerResetQuery);
        Assert.Equal(["extra_float_digits", "options"], config.IgnoreStartupParameters);
        Assert.Equal(["admin"], config.AdminUsers);

        var app = config.Databases["app"];
        Assert.Equal(("db.internal", 5433, "app_prod"), (app.Host, app.Port, app.ServerDatabase));
        Assert.Null(app.User);
        Assert.Null(app.Password);
        Assert.Equal((10, 1, 20, PoolMode.Session), (app.PoolSize, app.MinPoolSize, app.MaxDbConnections, app.PoolMode));
        var reports = config.Databases["reports"];
        Assert.Equal(("10.0.0.5", 5432, "reports", "reporter", "hunter2"), (reports.Host, reports.Port, reports.ServerDatabase, reports.User, reports.Password));
        Assert.Null(reports.PoolSize);

        Assert.Equal(TestSecrets.Plaintext, config.Users["alice"].Secret);
        Assert.Equal((5, PoolMode.Statement), (config.Users["alice"].MaxUserConnections, config.Users["alice"].PoolMode));
        Assert.Equal(TestSecrets.Scram, config.Users["admin"].Secret);
    }

    [Fact]
    public void Settings_left_out_or_null_keep_their_defaults()
    {
        var file = _directory.Write("poolguard.json", """
            { "PoolGuard": { "AuthType": "trust", "ListenPort": null, "AdminUsers": [], "Databases": { "app": {} } } }
            """);

        var config = ConfigLoader.Load(file, TestSecrets.NoEnvironment()).Config;

        var defaults = new PoolGuardConfig();
        Assert.Equal(defaults.ListenPort, config.ListenPort);
        Assert.Equal(defaults.ServerResetQuery, config.ServerResetQuery);
        Assert.Equal(defaults.QueryWaitTimeout, config.QueryWaitTimeout);
        Assert.Empty(config.AdminUsers);
        Assert.Equal("127.0.0.1", config.Databases["app"].Host);
    }

    [Fact]
    public void Unknown_json_key_is_an_error_that_names_the_key_and_suggests_the_closest()
    {
        var file = _directory.Write("poolguard.json", ConfigSamples.MinimalJson.Replace("\"AuthType\"", "\"ListenPrt\": 1, \"AuthType\""));

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors);

        Assert.Equal(file, error.File);
        Assert.Equal("key PoolGuard:ListenPrt", error.Location);
        Assert.Equal("unknown setting; did you mean 'ListenPort'?", error.Reason);
    }

    [Fact]
    public void Unknown_key_with_nothing_close_is_an_error_without_a_suggestion()
    {
        var file = _directory.Write("poolguard.json", ConfigSamples.MinimalJson.Replace("\"Host\"", "\"Flavour\": \"x\", \"Host\""));

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors);

        Assert.Equal("key PoolGuard:Databases:app:Flavour", error.Location);
        Assert.Equal("unknown setting", error.Reason);
    }

    [Fact]
    public void Snake_case_key_suggests_the_json_name()
    {
        var file = _directory.Write("poolguard.json", ConfigSamples.MinimalJson.Replace("\"AuthType\"", "\"default_pool_size\": 5, \"AuthType\""));

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors);

        Assert.Equal("unknown setting; did you mean 'DefaultPoolSize'?", error.Reason);
    }

    [Fact]
    public void Wrong_type_is_an_error_that_names_the_key_and_the_expected_form()
    {
        var file = _directory.Write("poolguard.json", """
            { "PoolGuard": {
                "AuthType": "trust", "ListenPort": "sixty", "PoolMode": "batch", "QueryWaitTimeout": "soon",
                "AdminUsers": { "name": "x" },
                "Databases": { "app": { "Host": "db1", "Port": { "number": 5432 } } } } }
            """);

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors;

        Assert.Collection(
            errors.OrderBy(e => e.Location, StringComparer.Ordinal),
            e => Assert.Equal(("key PoolGuard:AdminUsers", "expected a list of names, found an object"), (e.Location, e.Reason)),
            e => Assert.Equal(("key PoolGuard:Databases:app:Port", "expected a whole number, found an object or a list"), (e.Location, e.Reason)),
            e => Assert.Equal(("key PoolGuard:ListenPort", "expected a whole number, got 'sixty'"), (e.Location, e.Reason)),
            e => Assert.Equal(("key PoolGuard:PoolMode", "expected one of session, transaction or statement, got 'batch'"), (e.Location, e.Reason)),
            e => Assert.StartsWith("expected a duration such as \"30s\"", e.Reason));
    }

    [Fact]
    public void Malformed_json_is_an_error_that_names_the_file_and_line()
    {
        var file = _directory.Write("poolguard.json", "{\n  \"PoolGuard\": {\n    \"ListenPort\": 6432,\n    \"AuthType\": trust\n  }\n}\n");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors);

        Assert.Equal(file, error.File);
        Assert.Equal("line 4", error.Location);
        Assert.StartsWith("invalid JSON at byte ", error.Reason);
        Assert.DoesNotContain("LineNumber", error.Reason);
    }

    [Fact]
    public void Missing_PoolGuard_section_is_an_error_and_a_misspelt_one_gets_a_suggestion()
    {
        var file = _directory.Write("poolguard.json", """{ "PoolGaurd": { "ListenPort": 6432 } }""");

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors;

        Assert.Contains(errors, e => e.Location == "key PoolGaurd" && e.Reason == "unknown section; did you mean 'PoolGuard'?");
        Assert.Contains(errors, e => e.Location == "key PoolGuard" && e.Reason.StartsWith("missing or empty", StringComparison.Ordinal));
    }

    [Fact]
    public void Auth_file_is_read_relative_to_the_json_file_and_joins_the_users()
    {
        _directory.Write("secrets/userlist.txt", $"\"alice\" \"{TestSecrets.Scram}\"\n\"bob\" \"{TestSecrets.Plaintext}\"\n");
        var file = _directory.Write("poolguard.json", """
            { "PoolGuard": { "AuthFile": "secrets/userlist.txt",
                "Users": { "alice": { "MaxUserConnections": 3 } },
                "Databases": { "app": { "Host": "db1" } } } }
            """);

        var config = ConfigLoader.Load(file, TestSecrets.NoEnvironment()).Config;

        Assert.Equal((TestSecrets.Scram, 3), (config.Users["alice"].Secret, config.Users["alice"].MaxUserConnections));
        Assert.Equal(TestSecrets.Plaintext, config.Users["bob"].Secret);
    }

    [Fact]
    public void Missing_auth_file_is_an_error_on_the_AuthFile_key()
    {
        var file = _directory.Write("poolguard.json", ConfigSamples.MinimalJson.Replace("\"AuthType\": \"trust\"", "\"AuthType\": \"trust\", \"AuthFile\": \"nope.txt\""));

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors);

        Assert.Equal("key PoolGuard:AuthFile", error.Location);
        Assert.Contains("nope.txt' not found", error.Reason);
    }
}
