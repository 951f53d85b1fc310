using PoolGuard.Config;
using PoolGuard.Config.Model;
using PoolGuard.Config.PgBouncer;

namespace PoolGuard.Tests.Config;

/// <summary>Where alert notifications go (alertmanager_url, alert_webhook_url) and how: both formats, checks, SHOW CONFIG, reload lists.</summary>
public sealed class NotifySettingsTests : IDisposable
{
    private const string IniHead = "[databases]\napp = host=db1\n[pgbouncer]\nlisten_addr = 127.0.0.1\nauth_type = trust\n";
    private const string Token = "T0KEN-in-the-path";

    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Nothing_is_notified_by_default_and_a_try_is_bounded_by_5_s_with_firing_alerts_resent_every_minute()
    {
        var config = new PoolGuardConfig();

        Assert.Empty(config.AlertmanagerUrls);
        Assert.Empty(config.AlertWebhookUrls);
        Assert.Equal("", config.AlertExternalUrl);
        Assert.Equal(TimeSpan.FromSeconds(5), config.AlertNotifyTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), config.AlertResendInterval);
    }

    [Fact]
    public void Ini_reads_lists_of_urls_and_the_timings()
    {
        var file = _directory.Write("pgbouncer.ini", IniHead +
            $"alertmanager_url = http://am1:9093, http://am2:9093/prefix\nalert_webhook_url = https://hooks.example/{Token}\n" +
            "alert_external_url = https://poolguard.example\nalert_notify_timeout = 2s\nalert_resend_interval = 30s\n");

        var config = ConfigLoader.Load(file).Config;

        Assert.Equal(["http://am1:9093", "http://am2:9093/prefix"], config.AlertmanagerUrls);
        Assert.Equal([$"https://hooks.example/{Token}"], config.AlertWebhookUrls);
        Assert.Equal("https://poolguard.example", config.AlertExternalUrl);
        Assert.Equal(TimeSpan.FromSeconds(2), config.AlertNotifyTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), config.AlertResendInterval);
    }

    [Fact]
    public void Json_reads_arrays_of_urls()
    {
        var file = _directory.Write("poolguard.json", """
            { "PoolGuard": { "AuthType": "trust", "Databases": { "app": {} },
              "AlertmanagerUrls": ["http://am1:9093"], "AlertWebhookUrls": ["http://127.0.0.1:8080/hook"], "AlertNotifyTimeout": "1s" } }
            """);

        var config = ConfigLoader.Load(file, TestSecrets.NoEnvironment()).Config;

        Assert.Equal(["http://am1:9093"], config.AlertmanagerUrls);
        Assert.Equal(["http://127.0.0.1:8080/hook"], config.AlertWebhookUrls);
        Assert.Equal(TimeSpan.FromSeconds(1), config.AlertNotifyTimeout);
    }

    [Theory]
    [InlineData("alertmanager_url = am1:9093", "alertmanager_url entry 1 ('am1:9093') is not an absolute URL")]
    [InlineData("alertmanager_url = file:///tmp/x", "alertmanager_url entry 1 ('file:///tmp/x') must be http or https, not file")]
    [InlineData("alertmanager_url = http://am1:9093, /relative", "alertmanager_url entry 2 ('/relative') is not an absolute URL")]
    [InlineData("alertmanager_url = http://user:pw@am1:9093", "alertmanager_url entry 1 has credentials in it")]
    [InlineData("alert_external_url = ftp://x", "alert_external_url ('ftp://x') must be http or https, not ftp")]
    [InlineData("alert_notify_timeout = 0", "alert_notify_timeout must be more than 0 and at most 60s")]
    [InlineData("alert_notify_timeout = 2m", "alert_notify_timeout must be more than 0 and at most 60s")]
    [InlineData("alert_resend_interval = 500ms", "alert_resend_interval must be at least 1s")]
    public void A_bad_notification_setting_is_an_error_naming_the_line_and_the_reason(string line, string reason)
    {
        var file = _directory.Write("pgbouncer.ini", IniHead + line + "\n");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file)).Errors);

        Assert.Equal("line 6", error.Location);
        Assert.StartsWith(reason, error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("pw@", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_webhook_url_is_named_by_its_position_never_by_its_text()
    {
        var file = _directory.Write("pgbouncer.ini", IniHead + $"alert_webhook_url = http://ok/hook, ftp://host/{Token}\n");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file)).Errors);

        Assert.StartsWith("alert_webhook_url entry 2 must be http or https", error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Show_config_and_a_reload_list_the_alertmanagers_but_never_a_webhook_url()
    {
        var before = new PoolGuardConfig { AlertmanagerUrls = ["http://am1:9093"] };
        var after = before with { AlertmanagerUrls = ["http://am2:9093"], AlertWebhookUrls = [$"https://hooks.example/{Token}"] };

        var rows = PgBouncerConfigListing.Describe(after);
        var changes = ConfigChanges.Describe(before, after);

        Assert.Equal("http://am2:9093", rows.Single(r => r.Key == "alertmanager_url").Value);
        Assert.Equal("(set)", rows.Single(r => r.Key == "alert_webhook_url").Value);
        Assert.Contains(changes, c => c.Contains("http://am1:9093", StringComparison.Ordinal) && c.Contains("http://am2:9093", StringComparison.Ordinal));
        Assert.Contains(changes, c => c.Contains("AlertWebhookUrls changed", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, r => r.Value.Contains(Token, StringComparison.Ordinal));
        Assert.DoesNotContain(changes, c => c.Contains(Token, StringComparison.Ordinal));
    }
}
