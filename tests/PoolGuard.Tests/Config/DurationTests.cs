using PoolGuard.Config;
using PoolGuard.Config.Values;

namespace PoolGuard.Tests.Config;

public sealed class DurationTests : IDisposable
{
    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("00:00:30", 30_000)]
    [InlineData("01:30:00", 5_400_000)]
    [InlineData("1.00:00:00", 86_400_000)]
    [InlineData("30s", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("2d", 172_800_000)]
    [InlineData("30", 30_000)]
    [InlineData("0.5", 500)]
    [InlineData("1.5s", 1_500)]
    [InlineData(" 10 S ", 10_000)]
    [InlineData("0", 0)]
    [InlineData("-5s", -5_000)]
    public void Every_accepted_duration_form_parses(string text, long milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("30x")]
    [InlineData("1e3")]
    [InlineData("NaN")]
    [InlineData("s")]
    [InlineData("99999999999999999999d")]
    public void Anything_else_is_not_a_duration(string text) => Assert.False(DurationParser.TryParse(text, out _));

    [Fact]
    public void Json_durations_accept_every_form()
    {
        var file = _directory.Write("poolguard.json", """
            { "PoolGuard": { "AuthType": "trust", "Databases": { "app": {} },
                "QueryWaitTimeout": "00:00:30", "ClientLoginTimeout": "500ms", "ServerIdleTimeout": "5m",
                "ServerLifetime": "1h", "ServerConnectTimeout": 7 } }
            """);

        var config = ConfigLoader.Load(file, TestSecrets.NoEnvironment()).Config;

        Assert.Equal(
            [TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), TimeSpan.FromSeconds(7)],
            [config.QueryWaitTimeout, config.ClientLoginTimeout, config.ServerIdleTimeout, config.ServerLifetime, config.ServerConnectTimeout]);
    }

    [Fact]
    public void Ini_durations_are_seconds_and_also_accept_units()
    {
        var file = _directory.Write("pgbouncer.ini", """
            [databases]
            app = host=db1
            [pgbouncer]
            listen_addr = 127.0.0.1
            auth_type = trust
            query_wait_timeout = 0.5
            client_login_timeout = 45
            server_idle_timeout = 2m
            server_lifetime = 01:00:00
            server_connect_timeout = 250ms
            """);

        var config = ConfigLoader.Load(file).Config;

        Assert.Equal(
            [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(45), TimeSpan.FromMinutes(2), TimeSpan.FromHours(1), TimeSpan.FromMilliseconds(250)],
            [config.QueryWaitTimeout, config.ClientLoginTimeout, config.ServerIdleTimeout, config.ServerLifetime, config.ServerConnectTimeout]);
    }

    [Fact]
    public void A_bad_ini_duration_names_the_setting_line_and_accepted_forms()
    {
        var file = _directory.Write("pgbouncer.ini", "[databases]\napp = host=db1\n[pgbouncer]\nauth_type = trust\nquery_wait_timeout = forever\n");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file)).Errors);

        Assert.Equal("line 5", error.Location);
        Assert.Equal($"query_wait_timeout expects {DurationParser.ExpectedForm}, got 'forever'", error.Reason);
    }
}
