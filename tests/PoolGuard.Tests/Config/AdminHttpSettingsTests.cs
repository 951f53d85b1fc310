using PoolGuard.Config;
using PoolGuard.Config.Model;
using PoolGuard.Config.PgBouncer;

namespace PoolGuard.Tests.Config;

/// <summary>admin_http_address, admin_http_port and admin_http_token in both formats, their checks and SHOW CONFIG.</summary>
public sealed class AdminHttpSettingsTests : IDisposable
{
    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void The_admin_http_endpoint_listens_on_loopback_port_9930_without_a_token_by_default()
    {
        var config = new PoolGuardConfig();
        Assert.Equal("127.0.0.1", config.AdminHttpAddress);
        Assert.Equal(9930, config.AdminHttpPort);
        Assert.Equal("", config.AdminHttpToken);
    }

    [Fact]
    public void Ini_reads_admin_http_address_port_and_token()
    {
        var file = _directory.Write("pgbouncer.ini",
            "[databases]\napp = host=db1\n[pgbouncer]\nlisten_addr = 127.0.0.1\nauth_type = trust\nadmin_http_address = 10.0.0.5\nadmin_http_port = 9100\nadmin_http_token = abc\n");

        var config = ConfigLoader.Load(file).Config;

        Assert.Equal("10.0.0.5", config.AdminHttpAddress);
        Assert.Equal(9100, config.AdminHttpPort);
        Assert.Equal("abc", config.AdminHttpToken);
    }

    [Fact]
    public void Json_reads_AdminHttpAddress_AdminHttpPort_and_AdminHttpToken()
    {
        var file = _directory.Write("poolguard.json", """
            { "PoolGuard": { "AuthType": "trust", "AdminHttpAddress": "::1", "AdminHttpPort": 0, "AdminHttpToken": "t", "Databases": { "app": {} } } }
            """);

        var config = ConfigLoader.Load(file, TestSecrets.NoEnvironment()).Config;

        Assert.Equal("::1", config.AdminHttpAddress);
        Assert.Equal(0, config.AdminHttpPort);
        Assert.Equal("t", config.AdminHttpToken);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(70000)]
    public void An_admin_http_port_outside_0_to_65535_is_an_error_naming_the_setting(int port)
    {
        var file = _directory.Write("pgbouncer.ini",
            $"[databases]\napp = host=db1\n[pgbouncer]\nlisten_addr = 127.0.0.1\nauth_type = trust\nadmin_http_port = {port}\n");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file)).Errors);

        Assert.Equal("line 6", error.Location);
        Assert.StartsWith("admin_http_port must be between 1 and 65535", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_admin_http_port_equal_to_the_listen_port_is_an_error()
    {
        var file = _directory.Write("poolguard.json", """
            { "PoolGuard": { "AuthType": "trust", "ListenPort": 6432, "AdminHttpPort": 6432, "Databases": { "app": {} } } }
            """);

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors);

        Assert.Equal("key PoolGuard:AdminHttpPort", error.Location);
        Assert.Contains("same as ListenPort", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_interface_without_a_token_is_a_warning()
    {
        var file = _directory.Write("poolguard.json", """
            { "PoolGuard": { "AuthType": "trust", "AdminHttpAddress": "0.0.0.0", "Databases": { "app": {} } } }
            """);

        var warnings = ConfigLoader.Load(file, TestSecrets.NoEnvironment()).Warnings;

        Assert.Contains(warnings, w => w.Contains("AdminHttpToken", StringComparison.Ordinal));
    }

    [Fact]
    public void Show_config_lists_the_admin_http_settings_but_never_the_token()
    {
        var rows = PgBouncerConfigListing.Describe(new PoolGuardConfig { AdminHttpToken = "very-secret" });

        Assert.Equal("9930", rows.Single(r => r.Key == "admin_http_port").Value);
        Assert.Equal("127.0.0.1", rows.Single(r => r.Key == "admin_http_address").Value);
        var token = rows.Single(r => r.Key == "admin_http_token");
        Assert.Equal("(set)", token.Value);
        Assert.DoesNotContain(rows, r => r.Value.Contains("very-secret", StringComparison.Ordinal));
    }
}
