using PoolGuard.Config;

namespace PoolGuard.Tests.Config;

public sealed class JsonEnvironmentOverrideTests : IDisposable
{
    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Environment_override_wins_over_the_file()
    {
        var file = _directory.Write("poolguard.json", ConfigSamples.MinimalJson);
        var environment = TestSecrets.NoEnvironment();
        environment["POOLGUARD__ListenPort"] = "7000";
        environment["POOLGUARD__Databases__app__PoolSize"] = "5";
        environment["poolguard__querywaittimeout"] = "10s";
        environment["POOLGUARD__AdminUsers"] = "ops, dba";
        environment["POOLGUARD_TEST_PG"] = "host=elsewhere"; // single underscore: another tool's variable

        var config = ConfigLoader.Load(file, environment).Config;

        Assert.Equal(7000, config.ListenPort);
        Assert.Equal(5, config.Databases["app"].PoolSize);
        Assert.Equal("db1", config.Databases["app"].Host);
        Assert.Equal(TimeSpan.FromSeconds(10), config.QueryWaitTimeout);
        Assert.Equal(["ops", "dba"], config.AdminUsers);
    }

    [Fact]
    public void Environment_override_with_a_bad_value_names_the_variable()
    {
        var file = _directory.Write("poolguard.json", ConfigSamples.MinimalJson);
        var environment = TestSecrets.NoEnvironment();
        environment["POOLGUARD__ListenPort"] = "seven";

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, environment)).Errors);

        Assert.Equal("key PoolGuard:ListenPort (environment variable POOLGUARD__ListenPort)", error.Location);
        Assert.Contains("whole number", error.Reason);
    }

    [Fact]
    public void Environment_override_for_an_unknown_key_is_an_error_naming_the_variable()
    {
        var file = _directory.Write("poolguard.json", ConfigSamples.MinimalJson);
        var environment = TestSecrets.NoEnvironment();
        environment["POOLGUARD__Databases__app__PoolSzie"] = "5";

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, environment)).Errors);

        Assert.Equal("key PoolGuard:Databases:app:PoolSzie (environment variable POOLGUARD__Databases__app__PoolSzie)", error.Location);
        Assert.Equal("unknown setting; did you mean 'PoolSize'?", error.Reason);
    }
}
