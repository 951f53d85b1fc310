using PoolGuard.Config.Alerts;
using PoolGuard.Config.Model;
using PoolGuard.Monitoring.Alerts;

namespace PoolGuard.Tests.Monitoring;

/// <summary>The alert engine on a fake clock: `for`, hysteresis, vanished series, counters' increase, labels and annotations.</summary>
public sealed class AlertEngineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    private static MetricSeries Series(string name, double value, params (string Name, string Value)[] labels) =>
        new(name, labels.ToDictionary(l => l.Name, l => l.Value, StringComparer.Ordinal), value);

    private static MetricSeries Waiting(double value, string database = "app") =>
        Series("pgbouncer_pools_client_waiting_connections", value, ("database", database), ("user", "app_user"));

    private static AlertEngine Engine(params AlertRuleEntry[] rules) => new(rules);

    private static readonly AlertRuleEntry WaitingFor30s = new()
    {
        Name = "ClientsWaiting", Expr = "pgbouncer_pools_client_waiting_connections > 0", For = TimeSpan.FromSeconds(30),
        Summary = "{{ $value }} waiting on {{ $labels.database }}", Labels = new Dictionary<string, string> { ["team"] = "db" },
    };

    [Fact]
    public void An_alert_fires_once_its_condition_has_held_for_the_for_duration_not_before()
    {
        var engine = Engine(WaitingFor30s);

        Assert.Empty(engine.Evaluate(At(0), [Waiting(3)]));
        Assert.Equal(AlertState.Pending, Assert.Single(engine.Active).State);
        Assert.Empty(engine.Evaluate(At(29.9), [Waiting(4)]));
        var fired = Assert.Single(engine.Evaluate(At(30), [Waiting(5)]));

        Assert.True(fired.Firing);
        Assert.Equal((At(0), At(30), 5.0), (fired.Alert.ActiveSince, fired.Alert.FiringSince!.Value, fired.Alert.Value));
        Assert.Equal("5 waiting on app", fired.Alert.Summary);
        Assert.Empty(engine.Evaluate(At(35), [Waiting(6)]));
        Assert.Equal(6, Assert.Single(engine.Active).Value);
    }

    [Fact]
    public void A_condition_that_lapses_while_pending_starts_its_for_duration_again()
    {
        var engine = Engine(WaitingFor30s);

        engine.Evaluate(At(0), [Waiting(3)]);
        engine.Evaluate(At(20), [Waiting(0)]);
        Assert.Empty(engine.Active);
        Assert.Empty(engine.Evaluate(At(25), [Waiting(1)]));
        Assert.Empty(engine.Evaluate(At(50), [Waiting(1)]));
        Assert.Single(engine.Evaluate(At(55), [Waiting(1)]));
    }

    [Fact]
    public void A_firing_alert_resolves_only_past_its_resolve_threshold()
    {
        var engine = Engine(new AlertRuleEntry { Name = "Busy", Expr = "poolguard_db_connection_utilisation_ratio >= 0.8", Resolve = 0.7 });
        MetricSeries Ratio(double v) => Series("poolguard_db_connection_utilisation_ratio", v, ("database", "app"));

        Assert.True(Assert.Single(engine.Evaluate(At(0), [Ratio(0.85)])).Firing);
        Assert.Empty(engine.Evaluate(At(5), [Ratio(0.75)]));
        Assert.Empty(engine.Evaluate(At(10), [Ratio(0.7)]));
        Assert.Equal(AlertState.Firing, Assert.Single(engine.Active).State);
        var resolved = Assert.Single(engine.Evaluate(At(15), [Ratio(0.69)]));

        Assert.False(resolved.Firing);
        Assert.Equal(0.69, resolved.Alert.Value);
        Assert.Empty(engine.Active);
    }

    [Fact]
    public void A_firing_alert_whose_series_goes_away_resolves_and_each_series_is_its_own_alert()
    {
        var engine = Engine(WaitingFor30s with { For = TimeSpan.Zero });

        var fired = engine.Evaluate(At(0), [Waiting(1, "app"), Waiting(2, "shop"), Waiting(0, "idle")]);
        Assert.Equal(["app", "shop"], fired.Select(t => t.Alert.Labels["database"]).Order());

        var resolved = Assert.Single(engine.Evaluate(At(5), [Waiting(1, "app")]));
        Assert.Equal("shop", resolved.Alert.Labels["database"]);
        Assert.False(resolved.Firing);
    }

    [Fact]
    public void Alerts_carry_the_series_labels_the_rules_labels_alertname_and_severity()
    {
        var engine = Engine(WaitingFor30s with { For = TimeSpan.Zero, Severity = "critical" });

        var alert = Assert.Single(engine.Evaluate(At(0), [Waiting(1)])).Alert;

        Assert.Equal(new Dictionary<string, string>
        {
            ["database"] = "app", ["user"] = "app_user", ["team"] = "db", ["alertname"] = "ClientsWaiting", ["severity"] = "critical",
        }, alert.Labels);
        Assert.Equal("pgbouncer_pools_client_waiting_connections > 0", alert.Expr);
    }

    [Fact]
    public void Matchers_pick_the_series_a_rule_reads()
    {
        var engine = Engine(new AlertRuleEntry { Name = "ShopWaiting", Expr = "pgbouncer_pools_client_waiting_connections{database!=\"app\"} > 0" });

        var fired = Assert.Single(engine.Evaluate(At(0), [Waiting(1, "app"), Waiting(1, "shop")]));

        Assert.Equal("shop", fired.Alert.Labels["database"]);
    }

    [Fact]
    public void A_counter_rule_reads_the_increase_over_its_window_and_resolves_when_the_window_passes()
    {
        var engine = Engine(new AlertRuleEntry { Name = "Refused", Expr = "increase(poolguard_client_refusals_total[1m]) > 0" });
        MetricSeries Refusals(double v) => Series("poolguard_client_refusals_total", v, ("error_type", "max_client_conn"));

        Assert.Empty(engine.Evaluate(At(0), [Refusals(7)]));   // what happened before the engine started is not news
        Assert.Empty(engine.Evaluate(At(5), [Refusals(7)]));
        var fired = Assert.Single(engine.Evaluate(At(10), [Refusals(10)]));
        Assert.Equal(3, fired.Alert.Value);
        Assert.Empty(engine.Evaluate(At(60), [Refusals(10)]));
        Assert.Empty(engine.Evaluate(At(69), [Refusals(10)]));
        var resolved = Assert.Single(engine.Evaluate(At(71), [Refusals(10)]));
        Assert.False(resolved.Firing);
    }

    [Fact]
    public void A_counter_that_appears_after_the_start_counts_from_zero_and_a_restart_counts_as_growth()
    {
        var engine = Engine(new AlertRuleEntry { Name = "Failures", Expr = "increase(poolguard_server_connection_failures_total[1m]) >= 2" });
        MetricSeries Failures(double v) => Series("poolguard_server_connection_failures_total", v, ("db_client_connection_pool_name", "app/app_user"));

        Assert.Empty(engine.Evaluate(At(0), []));
        Assert.Equal(2, Assert.Single(engine.Evaluate(At(5), [Failures(2)])).Alert.Value);

        var restarted = Engine(new AlertRuleEntry { Name = "Failures", Expr = "increase(poolguard_server_connection_failures_total[1m]) >= 2" });
        restarted.Evaluate(At(0), [Failures(5)]);
        Assert.Empty(restarted.Evaluate(At(5), [Failures(1)]));
        Assert.Equal(2, Assert.Single(restarted.Evaluate(At(10), [Failures(2)])).Alert.Value);
    }

    [Fact]
    public void The_shipped_database_rule_names_the_application_holding_most_connections_of_that_database()
    {
        var engine = Engine(DefaultAlertRules.Find("DatabaseConnectionsCritical")!);
        MetricSeries ByApp(string db, string app, double v) => Series("poolguard_db_connections_by_application", v, ("database", db), ("application", app));

        var fired = Assert.Single(engine.Evaluate(At(0),
        [
            Series("poolguard_db_connection_utilisation_ratio", 0.973, ("database", "app")),
            ByApp("app", "leaky-api", 30), ByApp("app", "poolguard", 5), ByApp("other", "batch", 90),
        ]));

        Assert.Equal("Database app is about to refuse connections: 97.3% used, most by leaky-api", fired.Alert.Summary);
        Assert.Equal("runbooks/database-connections.md", fired.Alert.RunbookUrl);
        Assert.Equal("critical", fired.Alert.Severity);
    }

    [Fact]
    public void A_rule_removed_by_a_reload_resolves_its_firing_alerts_and_a_kept_one_keeps_its_state()
    {
        var other = new AlertRuleEntry { Name = "Other", Expr = "pgbouncer_pools_client_waiting_connections > 0" };
        var engine = Engine(WaitingFor30s, other);
        engine.Evaluate(At(0), [Waiting(1)]);
        engine.Evaluate(At(30), [Waiting(1)]);
        Assert.Equal(2, engine.Active.Count(a => a.State == AlertState.Firing));

        engine.Replace([WaitingFor30s]);
        var resolved = Assert.Single(engine.Evaluate(At(35), [Waiting(1)]));

        Assert.Equal(("Other", false), (resolved.Alert.Rule, resolved.Firing));
        Assert.Equal(At(30), Assert.Single(engine.Active).FiringSince);
    }
}
