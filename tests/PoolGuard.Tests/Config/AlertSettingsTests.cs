using PoolGuard.Config;
using PoolGuard.Config.Alerts;
using PoolGuard.Config.Model;

namespace PoolGuard.Tests.Config;

/// <summary>Alert rules in both formats: new rules, shipped ones changed or turned off, and every way a rule can be wrong.</summary>
public sealed class AlertSettingsTests : IDisposable
{
    private const string IniHead = "[databases]\napp = host=db1\n[pgbouncer]\nlisten_addr = 127.0.0.1\nauth_type = trust\n";

    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private ConfigException LoadFails(string ini) =>
        Assert.Throws<ConfigException>(() => ConfigLoader.Load(_directory.Write("pgbouncer.ini", IniHead + ini)));

    [Fact]
    public void Every_shipped_rule_is_in_force_by_default_and_passes_validation()
    {
        var config = ConfigLoader.Load(_directory.Write("pgbouncer.ini", IniHead)).Config;

        var rules = AlertRules.Effective(config);

        Assert.Equal(DefaultAlertRules.All.Select(r => r.Name), rules.Select(r => r.Name));
        Assert.Equal(TimeSpan.FromSeconds(5), config.AlertEvaluationInterval);
        Assert.All(rules, r => Assert.StartsWith("runbooks/", r.RunbookUrl, StringComparison.Ordinal));
        Assert.All(rules, r => Assert.True(AlertExpression.TryParse(r.Expr, out _, out var error), error));
    }

    [Fact]
    public void Ini_reads_a_new_rule_with_every_key()
    {
        var config = ConfigLoader.Load(_directory.Write("pgbouncer.ini", IniHead +
            "alert_evaluation_interval = 2s\n[alerts]\n" +
            "ReportsBusy = expr='poolguard_db_connections{database=\"reports\"} > 30' for=2m resolve=25 severity=critical " +
            "summary='{{ $value }} connections on {{ $labels.database }}' description='see the runbook' runbook_url=https://wiki/reports labels='team=data,page=yes'\n")).Config;

        Assert.Equal(TimeSpan.FromSeconds(2), config.AlertEvaluationInterval);
        var rule = config.Alerts["ReportsBusy"];
        Assert.Equal("poolguard_db_connections{database=\"reports\"} > 30", rule.Expr);
        Assert.Equal((TimeSpan.FromMinutes(2), 25.0, "critical", "https://wiki/reports"), (rule.For, rule.Resolve!.Value, rule.Severity, rule.RunbookUrl));
        Assert.Equal("{{ $value }} connections on {{ $labels.database }}", rule.Summary);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "data", ["page"] = "yes" }, rule.Labels);
        Assert.Equal("ReportsBusy", AlertRules.Effective(config)[^1].Name);
    }

    [Fact]
    public void A_rule_named_as_a_shipped_one_changes_only_what_it_sets_and_enabled_false_turns_one_off()
    {
        var config = ConfigLoader.Load(_directory.Write("pgbouncer.ini", IniHead +
            "[alerts]\nDatabaseConnectionsHigh = for=2m\nLockWaitLong = enabled=false\n")).Config;

        var rules = AlertRules.Effective(config);

        var changed = rules.Single(r => r.Name == "DatabaseConnectionsHigh");
        var shipped = DefaultAlertRules.Find("DatabaseConnectionsHigh")!;
        Assert.Equal(shipped with { For = TimeSpan.FromMinutes(2) }, changed with { Labels = shipped.Labels });
        Assert.DoesNotContain(rules, r => r.Name == "LockWaitLong");
        Assert.Equal(DefaultAlertRules.All.Count - 1, rules.Count);
    }

    [Fact]
    public void Json_reads_rules_as_objects_with_labels_and_as_strings()
    {
        var file = _directory.Write("poolguard.json", """
            { "PoolGuard": { "AuthType": "trust", "Databases": { "app": {} }, "Alerts": {
                "PoolWaitingLong": { "Expr": "pgbouncer_pools_client_waiting_connections > 5", "For": "10s", "Severity": "critical",
                                     "RunbookUrl": "https://wiki/pools", "Labels": { "team": "db" } },
                "ClientsWaiting": "enabled=false" } } }
            """);

        var config = ConfigLoader.Load(file, TestSecrets.NoEnvironment()).Config;

        var rule = config.Alerts["PoolWaitingLong"];
        Assert.Equal((TimeSpan.FromSeconds(10), "critical", "https://wiki/pools"), (rule.For, rule.Severity, rule.RunbookUrl));
        Assert.Equal("db", rule.Labels["team"]);
        Assert.DoesNotContain(AlertRules.Effective(config), r => r.Name == "ClientsWaiting");
    }

    [Fact]
    public void An_unknown_metric_is_refused_with_the_file_line_and_a_suggestion()
    {
        var error = Assert.Single(LoadFails("[alerts]\nMine = expr='poolguard_db_conections > 3'\n").Errors);

        Assert.EndsWith("pgbouncer.ini", error.File, StringComparison.Ordinal);
        Assert.Equal("line 7", error.Location);
        Assert.Contains("alert Mine: unknown metric 'poolguard_db_conections'", error.Reason, StringComparison.Ordinal);
        Assert.Contains("did you mean 'poolguard_db_connections'?", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_duration_is_refused_naming_the_key()
    {
        var error = Assert.Single(LoadFails("[alerts]\nMine = expr='poolguard_db_connections > 3' for=soon\n").Errors);

        Assert.Contains("alert Mine: for must be a duration", error.Reason, StringComparison.Ordinal);
        Assert.Contains("'soon'", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("expr='poolguard_client_refusals_total > 0'", "is a counter, which only grows from process start: compare increase(poolguard_client_refusals_total[1m])")]
    [InlineData("expr='increase(poolguard_db_connections[1m]) > 0'", "is a gauge")]
    [InlineData("expr='poolguard_db_connections >> 3'", "expected a number after the comparison")]
    [InlineData("expr='poolguard_db_connections{database=app} > 3'", "expected '\"' at position")]
    [InlineData("expr='increase(poolguard_client_refusals_total[soon]) > 0'", "the increase window 'soon' is not a positive duration")]
    [InlineData("expr='poolguard_db_connections > 3' resolve=5", "resolve (5) must not be above the threshold (3)")]
    [InlineData("expr='poolguard_db_up < 1' resolve=0.5", "resolve (0.5) must not be below the threshold (1)")]
    [InlineData("expr='poolguard_db_connections > 3' severity=page", "severity must be one of info, warning, critical")]
    [InlineData("expr='poolguard_db_connections > 3' labels='severity=high'", "label 'severity' is not allowed")]
    [InlineData("expr='poolguard_db_connections > 3' summary='{{ $value | shout }}'", "summary: unknown function shout")]
    [InlineData("expr='poolguard_db_connections > 3' description='{{ .Labels }}'", "description: cannot read {{ .Labels }}")]
    [InlineData("severity=critical", "expr is required")]
    [InlineData("expr='poolguard_db_connections > 3' fore=1m", "unknown setting 'fore'; did you mean 'for'?")]
    public void A_wrong_rule_is_refused_with_the_reason(string settings, string reason)
    {
        var error = Assert.Single(LoadFails($"[alerts]\nMine = {settings}\n").Errors);

        Assert.Contains($"alert Mine: ", error.Reason, StringComparison.Ordinal);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reload_that_changes_a_rule_lists_the_change()
    {
        var before = new PoolGuardConfig();
        var after = before with
        {
            Alerts = new Dictionary<string, AlertRuleEntry> { ["Mine"] = new() { Name = "Mine", Expr = "poolguard_db_connections > 3" } },
        };

        Assert.Contains("alert Mine: added", ConfigChanges.Describe(before, after));
    }
}
