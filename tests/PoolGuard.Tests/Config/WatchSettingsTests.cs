using PoolGuard.Config;
using PoolGuard.Config.Model;
using PoolGuard.Config.PgBouncer;

namespace PoolGuard.Tests.Config;

/// <summary>The database watcher's settings and the [watch] / Watch entries in both formats, their checks and SHOW CONFIG.</summary>
public sealed class WatchSettingsTests : IDisposable
{
    private const string IniHead = "[databases]\napp = host=db1\n[pgbouncer]\nlisten_addr = 127.0.0.1\nauth_type = trust\n";

    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void The_watcher_samples_every_5_s_with_a_2_s_bound_and_no_login_of_its_own_by_default()
    {
        var config = new PoolGuardConfig();

        Assert.Equal(TimeSpan.FromSeconds(5), config.WatchInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), config.WatchQueryTimeout);
        Assert.Equal("", config.WatchUser);
        Assert.Empty(config.Watch);
    }

    [Fact]
    public void Ini_reads_the_watch_settings_and_the_watch_section()
    {
        var file = _directory.Write("pgbouncer.ini", IniHead +
            "watch_interval = 10\nwatch_query_timeout = 500ms\nwatch_user = monitor\nwatch_password = s3cret\n" +
            "[watch]\nlegacy = host=10.0.0.5 port=5433 dbname=shop password='it''s'\n");

        var config = ConfigLoader.Load(file).Config;

        Assert.Equal(TimeSpan.FromSeconds(10), config.WatchInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.WatchQueryTimeout);
        Assert.Equal("monitor", config.WatchUser);
        Assert.Equal("s3cret", config.WatchPassword);
        var legacy = Assert.Single(config.Watch).Value;
        Assert.Equal(new WatchEntry { Name = "legacy", Host = "10.0.0.5", Port = 5433, DbName = "shop", Password = "it's" }, legacy);
    }

    [Fact]
    public void Json_reads_the_watch_settings_and_Watch_connection_strings()
    {
        var file = _directory.Write("poolguard.json", """
            { "PoolGuard": { "AuthType": "trust", "WatchInterval": "30s", "WatchUser": "monitor",
              "Databases": { "app": {} }, "Watch": { "legacy": "host=10.0.0.5 user=legacy_watch" } } }
            """);

        var config = ConfigLoader.Load(file, TestSecrets.NoEnvironment()).Config;

        Assert.Equal(TimeSpan.FromSeconds(30), config.WatchInterval);
        var legacy = config.Watch["legacy"];
        Assert.Equal(("10.0.0.5", 5432, "legacy", "legacy_watch"), (legacy.Host, legacy.Port, legacy.ServerDatabase, legacy.User));
    }

    [Fact]
    public void A_bad_watch_line_names_the_line_and_the_key_but_never_the_password()
    {
        var file = _directory.Write("pgbouncer.ini", IniHead + "watch_user = monitor\n[watch]\nlegacy = host=10.0.0.5 prot=5433 password=hunter2\n");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file)).Errors);

        Assert.Equal("line 8", error.Location);
        Assert.Contains("watch legacy: unknown setting 'prot'; did you mean 'port'?", error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_watch_entry_without_any_user_is_an_error_saying_how_to_give_one()
    {
        var file = _directory.Write("poolguard.json", """
            { "PoolGuard": { "AuthType": "trust", "Databases": { "app": {} }, "Watch": { "legacy": "host=10.0.0.5" } } }
            """);

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors);

        Assert.Equal("key PoolGuard:Watch:legacy", error.Location);
        Assert.Contains("no user to log in as", error.Reason, StringComparison.Ordinal);
        Assert.Contains("WatchUser", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_watch_entry_named_like_a_configured_database_is_an_error()
    {
        var file = _directory.Write("pgbouncer.ini", IniHead + "[watch]\napp = host=db1 user=monitor\n");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file)).Errors);

        Assert.Contains("watch app: the name is a configured database", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_watch_entry_that_is_not_a_string_is_an_error()
    {
        var file = _directory.Write("poolguard.json", """
            { "PoolGuard": { "AuthType": "trust", "Databases": { "app": {} }, "Watch": { "legacy": { "Host": "db" } } } }
            """);

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors);

        Assert.Contains("expected a connection string", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("watch_interval = 200ms", "watch_interval must be 0 (watcher off) or at least 1s")]
    [InlineData("watch_query_timeout = 0", "watch_query_timeout must be more than 0")]
    public void Watch_timings_out_of_range_are_errors_naming_the_setting(string line, string reason)
    {
        var file = _directory.Write("pgbouncer.ini", IniHead + line + "\n");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file)).Errors);

        Assert.Equal("line 6", error.Location);
        Assert.StartsWith(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sample_bound_longer_than_the_interval_is_a_warning()
    {
        var file = _directory.Write("pgbouncer.ini", IniHead + "watch_interval = 2\nwatch_query_timeout = 3\n");

        var warnings = ConfigLoader.Load(file).Warnings;

        Assert.Contains(warnings, w => w.Contains("watch_query_timeout (3s) is longer than watch_interval (2s)", StringComparison.Ordinal));
    }

    [Fact]
    public void Show_config_lists_the_watch_settings_but_never_the_password()
    {
        var rows = PgBouncerConfigListing.Describe(new PoolGuardConfig { WatchUser = "monitor", WatchPassword = "very-secret" });

        Assert.Equal("5", rows.Single(r => r.Key == "watch_interval").Value);
        Assert.Equal("monitor", rows.Single(r => r.Key == "watch_user").Value);
        Assert.Equal("(set)", rows.Single(r => r.Key == "watch_password").Value);
        Assert.DoesNotContain(rows, r => r.Value.Contains("very-secret", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reload_names_watch_entries_added_removed_and_changed_without_their_passwords()
    {
        var before = new PoolGuardConfig
        {
            Watch = new Dictionary<string, WatchEntry> { ["a"] = new() { Name = "a", Password = "one" }, ["b"] = new() { Name = "b" } },
        };
        var after = before with
        {
            WatchPassword = "new",
            Watch = new Dictionary<string, WatchEntry> { ["a"] = new() { Name = "a", Password = "two" }, ["c"] = new() { Name = "c" } },
        };

        var changes = ConfigChanges.Describe(before, after);

        Assert.Equal(["WatchPassword changed", "watch b: removed", "watch c: added", "watch a: Password changed"], changes);
    }
}
