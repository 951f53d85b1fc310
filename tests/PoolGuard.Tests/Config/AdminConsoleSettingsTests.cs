using PoolGuard.Config;
using PoolGuard.Config.Model;
using PoolGuard.Config.PgBouncer;

namespace PoolGuard.Tests.Config;

/// <summary>admin_users, stats_users and stats_period in both formats; the console's names are reserved.</summary>
public sealed class AdminConsoleSettingsTests : IDisposable
{
    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Ini_reads_stats_users_and_stats_period_under_pgbouncers_names()
    {
        var file = _directory.Write("pgbouncer.ini",
            "[databases]\napp = host=db1\n[pgbouncer]\nlisten_addr = 127.0.0.1\nauth_type = trust\nadmin_users = ops\nstats_users = grafana, exporter\nstats_period = 30\n");

        var config = ConfigLoader.Load(file).Config;

        Assert.Equal(["ops"], config.AdminUsers);
        Assert.Equal(["grafana", "exporter"], config.StatsUsers);
        Assert.Equal(TimeSpan.FromSeconds(30), config.StatsPeriod);
    }

    [Fact]
    public void Json_reads_StatsUsers_and_StatsPeriod_with_pgbouncers_defaults()
    {
        var file = _directory.Write("poolguard.json", """
            { "PoolGuard": { "AuthType": "trust", "StatsUsers": ["grafana"], "Databases": { "app": {} } } }
            """);

        var config = ConfigLoader.Load(file, TestSecrets.NoEnvironment()).Config;

        Assert.Equal(["grafana"], config.StatsUsers);
        Assert.Equal(TimeSpan.FromSeconds(60), config.StatsPeriod);
    }

    [Theory]
    [InlineData("pgbouncer")]
    [InlineData("poolguard")]
    public void An_ini_database_named_like_the_console_is_an_error(string name)
    {
        var file = _directory.Write("pgbouncer.ini", $"[databases]\napp = host=db1\n{name} = host=db1\n[pgbouncer]\nlisten_addr = 127.0.0.1\nauth_type = trust\n");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file)).Errors);

        Assert.Equal("line 3", error.Location);
        Assert.Contains("reserved for the admin console", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pgbouncer")]
    [InlineData("poolguard")]
    public void A_json_database_named_like_the_console_is_an_error(string name)
    {
        var file = _directory.Write("poolguard.json", $$"""
            { "PoolGuard": { "AuthType": "trust", "Databases": { "app": {}, "{{name}}": {} } } }
            """);

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors);

        Assert.Equal($"key PoolGuard:Databases:{name}", error.Location);
        Assert.Contains("reserved for the admin console", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stats_period_under_a_second_is_an_error_naming_the_setting()
    {
        var file = _directory.Write("poolguard.json", """
            { "PoolGuard": { "AuthType": "trust", "StatsPeriod": "0s", "Databases": { "app": {} } } }
            """);

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors);

        Assert.Equal("key PoolGuard:StatsPeriod", error.Location);
        Assert.StartsWith("StatsPeriod must be at least 1 second", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_config_lists_every_global_setting_of_the_model_under_its_ini_name()
    {
        var modelSettings = typeof(PoolGuardConfig).GetProperties()
            .Where(p => p.Name is not (nameof(PoolGuardConfig.Databases) or nameof(PoolGuardConfig.Users) or nameof(PoolGuardConfig.Watch) or nameof(PoolGuardConfig.Alerts)))
            .Select(p => PgBouncerSettings.IniName(p.Name))
            .Order(StringComparer.Ordinal);

        var listed = PgBouncerConfigListing.Describe(new PoolGuardConfig()).Select(r => r.Key).Order(StringComparer.Ordinal);

        Assert.Equal(modelSettings, listed);
    }

    [Fact]
    public void Show_config_prints_values_as_pgbouncer_does()
    {
        var config = new PoolGuardConfig { QueryWaitTimeout = TimeSpan.FromMilliseconds(1500), StatsUsers = ["a", "b"], PoolMode = PoolMode.Transaction };

        var rows = PgBouncerConfigListing.Describe(config).ToDictionary(r => r.Key);

        Assert.Equal(new ConfigListingRow("query_wait_timeout", "1.5", "120", true), rows["query_wait_timeout"]);
        Assert.Equal("a,b", rows["stats_users"].Value);
        Assert.Equal(("transaction", "session"), (rows["pool_mode"].Value, rows["pool_mode"].Default));
        Assert.False(rows["listen_addr"].Changeable);
    }
}
