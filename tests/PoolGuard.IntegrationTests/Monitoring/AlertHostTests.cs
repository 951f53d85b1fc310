using System.Text.Json;
using PoolGuard.Config.Alerts;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Monitoring;

/// <summary>
/// The alert engine as `poolguard run` hosts it: the shipped rules over the real gateway's metrics, an alert
/// pending for its `for` duration, then firing on /api/alerts and as an alert_firing event, and resolving once
/// the condition ends; rules follow a reload; the rule catalogue matches what a real scrape serves.
/// </summary>
public sealed class AlertHostTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private FullPool? _full;
    private AdminHttpHarness? _http;

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>The clients first: a gateway stopping with a transaction open waits for it to end (the drain).</summary>
    public async Task DisposeAsync()
    {
        if (_full is not null)
        {
            await _full.DisposeAsync();
        }
        if (_http is not null)
        {
            await _http.DisposeAsync();
        }
    }

    /// <summary>A pool of 2, rules evaluated every second, ClientsWaiting with the given `for`.</summary>
    private async Task<AdminHttpHarness> StartAsync(TimeSpan waitingFor) =>
        _http = await AdminHttpHarness.StartAsync(c => c with
        {
            DefaultPoolSize = 2,
            AlertEvaluationInterval = TimeSpan.FromSeconds(1),
            Alerts = new Dictionary<string, AlertRuleEntry>(StringComparer.Ordinal)
            {
                ["ClientsWaiting"] = DefaultAlertRules.Find("ClientsWaiting")! with { For = waitingFor },
            },
        });

    private async Task QueueOneClientAsync(AdminHttpHarness http) => _full = await FullPool.StartAsync(http.Gateway, servers: 2);

    private static async Task<JsonElement> AlertsAsync(AdminHttpHarness http) =>
        JsonDocument.Parse(await http.GetStringAsync("/api/alerts").WaitAsync(Bound)).RootElement;

    private static JsonElement? Alert(JsonElement list, string name) =>
        list.GetProperty("alerts").EnumerateArray().Cast<JsonElement?>().FirstOrDefault(a => a!.Value.GetProperty("name").GetString() == name);

    private static async Task<List<JsonElement>> EventsAsync(AdminHttpHarness http, string kind) =>
        [.. JsonDocument.Parse(await http.GetStringAsync("/api/events").WaitAsync(Bound)).RootElement
            .GetProperty("events").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == kind)];

    [SkippableFact]
    public async Task Clients_queued_behind_a_full_pool_fire_ClientsWaiting_after_its_for_duration_and_resolve_once_served()
    {
        var waitingFor = TimeSpan.FromSeconds(3);
        var http = await StartAsync(waitingFor);
        await QueueOneClientAsync(http);

        var pending = await Eventually.AssertAsync(async () => Alert(await AlertsAsync(http), "ClientsWaiting") ?? default,
            a => a.ValueKind == JsonValueKind.Object, Bound, "ClientsWaiting pending or firing");
        Assert.Equal("pending", pending.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, pending.GetProperty("firing_since").ValueKind);
        Assert.Equal("app", pending.GetProperty("labels").GetProperty("database").GetString());
        Assert.Equal(Roles.App, pending.GetProperty("labels").GetProperty("user").GetString());
        Assert.Equal("warning", pending.GetProperty("labels").GetProperty("severity").GetString());
        Assert.Empty(await EventsAsync(http, "alert_firing"));

        var firing = await Eventually.AssertAsync(async () => Alert(await AlertsAsync(http), "ClientsWaiting") ?? default,
            a => a.ValueKind == JsonValueKind.Object && a.GetProperty("state").GetString() == "firing", Bound, "ClientsWaiting firing");
        var activeSince = firing.GetProperty("active_since").GetDateTimeOffset();
        var firingSince = firing.GetProperty("firing_since").GetDateTimeOffset();
        Assert.InRange(firingSince - activeSince, waitingFor, waitingFor + TimeSpan.FromSeconds(3));
        Assert.Equal(activeSince, pending.GetProperty("active_since").GetDateTimeOffset());
        Assert.Equal(1, firing.GetProperty("value").GetDouble());
        Assert.Contains($"pool app/{Roles.App}", firing.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("runbooks/clients-waiting.md", firing.GetProperty("runbook_url").GetString(), StringComparison.Ordinal);
        Assert.Equal("pgbouncer_pools_client_waiting_connections > 0", firing.GetProperty("expr").GetString());

        var rules = (await AlertsAsync(http)).GetProperty("rules").EnumerateArray().ToList();
        var rule = rules.Single(r => r.GetProperty("name").GetString() == "ClientsWaiting");
        Assert.Equal(waitingFor.TotalSeconds, rule.GetProperty("for_seconds").GetDouble());
        Assert.Equal(1, rule.GetProperty("firing").GetInt32());
        Assert.Equal(DefaultAlertRules.All.Count, rules.Count);

        var fired = Assert.Single(await EventsAsync(http, "alert_firing"), e => e.GetProperty("detail").GetString()!.StartsWith("ClientsWaiting", StringComparison.Ordinal));
        Assert.Equal($"app/{Roles.App}", fired.GetProperty("pool").GetString());
        Assert.InRange(fired.GetProperty("numbers").GetProperty("pending_ms").GetInt64(), (long)waitingFor.TotalMilliseconds, (long)(waitingFor.TotalMilliseconds + 3000));

        // One holder leaves: the queued client gets its server and nobody waits any more.
        await _full!.ReleaseOneAsync();
        await Eventually.AssertAsync(async () => Alert(await AlertsAsync(http), "ClientsWaiting") is null, gone => gone, Bound, "ClientsWaiting resolved");
        var resolved = Assert.Single(await EventsAsync(http, "alert_resolved"), e => e.GetProperty("detail").GetString()!.StartsWith("ClientsWaiting", StringComparison.Ordinal));
        Assert.True(resolved.GetProperty("numbers").GetProperty("firing_ms").GetInt64() > 0);
    }

    [SkippableFact]
    public async Task A_wait_shorter_than_the_for_duration_goes_pending_and_never_fires()
    {
        var http = await StartAsync(TimeSpan.FromSeconds(30));
        await QueueOneClientAsync(http);
        await Eventually.AssertAsync(async () => Alert(await AlertsAsync(http), "ClientsWaiting") ?? default,
            a => a.ValueKind == JsonValueKind.Object && a.GetProperty("state").GetString() == "pending", Bound, "ClientsWaiting pending");

        await _full!.ReleaseOneAsync();
        await Eventually.AssertAsync(async () => Alert(await AlertsAsync(http), "ClientsWaiting") is null, gone => gone, Bound, "the pending ClientsWaiting gone");
        Assert.Empty(await EventsAsync(http, "alert_firing"));
        Assert.Empty(await EventsAsync(http, "alert_resolved"));
    }

    [SkippableFact]
    public async Task A_reload_that_turns_a_rule_off_resolves_its_firing_alert_and_drops_it_from_the_rules()
    {
        var http = await StartAsync(TimeSpan.Zero);
        await QueueOneClientAsync(http);
        await Eventually.AssertAsync(async () => Alert(await AlertsAsync(http), "ClientsWaiting") ?? default,
            a => a.ValueKind == JsonValueKind.Object && a.GetProperty("state").GetString() == "firing", Bound, "ClientsWaiting firing");

        var config = http.Gateway.Server.Config;
        var off = new Dictionary<string, AlertRuleEntry>(config.Alerts, StringComparer.Ordinal)
        {
            ["ClientsWaiting"] = config.Alerts["ClientsWaiting"] with { Enabled = false },
        };
        http.Gateway.Server.Apply(config with { Alerts = off });

        var after = await Eventually.AssertAsync(() => AlertsAsync(http),
            l => l.GetProperty("rules").EnumerateArray().All(r => r.GetProperty("name").GetString() != "ClientsWaiting"), Bound, "ClientsWaiting out of the rules");
        Assert.Null(Alert(after, "ClientsWaiting"));
        await Eventually.AssertAsync(() => EventsAsync(http, "alert_resolved"), e => e.Count == 1, Bound, "the alert of the rule turned off resolved");

    }

    [SkippableFact]
    public async Task Every_family_a_real_scrape_serves_that_a_rule_may_read_is_in_the_catalogue_with_its_type()
    {
        await using var http = await AdminHttpHarness.StartAsync(c => c with
        {
            WatchUser = Roles.Watch,
            WatchPassword = Roles.WatchPassword,
            WatchInterval = TimeSpan.FromSeconds(1),
        });
        await using (await http.Gateway.OpenAndQueryAsync().WaitAsync(Bound))
        {
        }
        var scrape = await Eventually.AssertAsync(
            async () => PrometheusTextParser.Parse(await http.GetStringAsync("/metrics").WaitAsync(Bound)),
            s => s.Named("poolguard_db_up").Any(), Bound, "a database sample on /metrics");

        // Process and runtime families are not for rules (see AlertMetrics); everything else is.
        var readable = scrape.Types.Where(t => t.Value is "gauge" or "counter")
            .Where(t => !t.Key.StartsWith("process_", StringComparison.Ordinal) && !t.Key.StartsWith("dotnet_", StringComparison.Ordinal))
            .ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        Assert.NotEmpty(readable);
        Assert.All(readable, family =>
        {
            Assert.True(AlertMetrics.Types.TryGetValue(family.Key, out var type), $"{family.Key} is served but not in AlertMetrics");
            Assert.Equal(family.Value, type);
        });
        Assert.All(AlertMetrics.Types.Where(t => scrape.Types.ContainsKey(t.Key)), t => Assert.Equal(scrape.Types[t.Key], t.Value));

        // The gauges the shipped rules read have series already; counters only once something happened.
        foreach (var rule in DefaultAlertRules.All)
        {
            Assert.True(AlertExpression.TryParse(rule.Expr, out var expression, out var error), error);
            if (expression!.IncreaseWindow is null)
            {
                Assert.True(scrape.Named(expression.Metric).Any(), $"{rule.Name} reads {expression.Metric}, which the scrape does not serve");
            }
        }
    }
}
