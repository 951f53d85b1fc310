using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using PoolGuard.Config.Alerts;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using PoolGuard.Monitoring.Notify;
using Xunit.Abstractions;

namespace PoolGuard.IntegrationTests.Monitoring;

/// <summary>
/// Alert notifications as `poolguard run` sends them: to a real Alertmanager through its v2 API (read back
/// from its own API) and to a real HTTP webhook receiver as Alertmanager's webhook payload, firing and then
/// resolved; and to receivers that are down or never answer, which are retried and cost the gateway nothing.
/// </summary>
public sealed class NotifierHostTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>In reverse: the full pool's clients before the gateway, the gateway before the receivers.</summary>
    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
    }

    private T Own<T>(T disposable) where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private static Dictionary<string, AlertRuleEntry> Rules(params AlertRuleEntry[] rules) =>
        rules.ToDictionary(r => r.Name, StringComparer.Ordinal);

    private static async Task<double> NotificationsAsync(AdminHttpHarness http, string receiver, string result) =>
        PrometheusTextParser.Parse(await http.GetStringAsync("/metrics").WaitAsync(Bound))
            .Named("poolguard_alert_notifications_total")
            .Where(s => s.Label("receiver") == receiver && s.Label("result") == result).Sum(s => s.Value);

    private static IEnumerable<JsonElement> WebhookAlerts(WebhookReceiver hook, string status) =>
        hook.Bodies.Where(b => b.GetProperty("status").GetString() == status)
            .SelectMany(b => b.GetProperty("alerts").EnumerateArray())
            .Where(a => a.GetProperty("labels").GetProperty("alertname").GetString() == "ClientsWaiting");

    [SkippableFact]
    public async Task A_firing_alert_reaches_a_real_Alertmanager_and_a_webhook_and_both_see_it_resolve()
    {
        var alertmanager = Own(await AlertmanagerProcess.StartAsync());
        var hook = Own(await WebhookReceiver.StartAsync());
        var http = Own(await AdminHttpHarness.StartAsync(c => c with
        {
            DefaultPoolSize = 2,
            AlertEvaluationInterval = TimeSpan.FromSeconds(1),
            Alerts = Rules(DefaultAlertRules.Find("ClientsWaiting")! with { For = TimeSpan.Zero }),
            AlertmanagerUrls = [alertmanager.Url.ToString()],
            AlertWebhookUrls = [hook.Url.ToString()],
        }));
        var full = Own(await FullPool.StartAsync(http.Gateway, servers: 2));

        var held = await Eventually.AssertAsync(alertmanager.ActiveAlertsAsync,
            list => list.Any(a => a.GetProperty("labels").GetProperty("alertname").GetString() == "ClientsWaiting"), Bound,
            "ClientsWaiting active in Alertmanager");
        var inAlertmanager = held.Single(a => a.GetProperty("labels").GetProperty("alertname").GetString() == "ClientsWaiting");
        var labels = inAlertmanager.GetProperty("labels");
        Assert.Equal("app", labels.GetProperty("database").GetString());
        Assert.Equal(PgSandbox.Roles.App, labels.GetProperty("user").GetString());
        Assert.Equal("warning", labels.GetProperty("severity").GetString());
        Assert.Contains($"pool app/{PgSandbox.Roles.App}", inAlertmanager.GetProperty("annotations").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("runbooks/clients-waiting.md", inAlertmanager.GetProperty("annotations").GetProperty("runbook_url").GetString(), StringComparison.Ordinal);
        Assert.Equal(new Uri(http.Host.AdminAddress!, "/api/alerts").ToString(), inAlertmanager.GetProperty("generatorURL").GetString());
        Assert.True(inAlertmanager.GetProperty("endsAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(1),
            "a firing alert stays valid for several resend intervals");

        var firing = await Eventually.AssertAsync(() => Task.FromResult(WebhookAlerts(hook, "firing").ToList()), l => l.Count > 0, Bound, "the webhook's firing payload");
        var message = hook.Bodies.First(b => b.GetProperty("status").GetString() == "firing");
        Assert.Equal("4", message.GetProperty("version").GetString());
        Assert.Equal("ClientsWaiting", message.GetProperty("groupLabels").GetProperty("alertname").GetString());
        Assert.Equal("app", message.GetProperty("commonLabels").GetProperty("database").GetString());
        Assert.Equal("{}:{alertname=\"ClientsWaiting\"}", message.GetProperty("groupKey").GetString());
        Assert.Equal(http.Host.AdminAddress!.ToString().TrimEnd('/'), message.GetProperty("externalURL").GetString());
        Assert.Matches("^[0-9a-f]{16}$", firing[0].GetProperty("fingerprint").GetString());
        Assert.Equal(DateTimeOffset.MinValue, firing[0].GetProperty("endsAt").GetDateTimeOffset());

        await full.ReleaseOneAsync();

        var resolved = await Eventually.AssertAsync(() => Task.FromResult(WebhookAlerts(hook, "resolved").ToList()), l => l.Count > 0, Bound, "the webhook's resolved payload");
        Assert.Equal(firing[0].GetProperty("fingerprint").GetString(), resolved[0].GetProperty("fingerprint").GetString());
        Assert.True(resolved[0].GetProperty("endsAt").GetDateTimeOffset() > resolved[0].GetProperty("startsAt").GetDateTimeOffset());
        await Eventually.AssertAsync(alertmanager.ActiveAlertsAsync,
            list => list.All(a => a.GetProperty("labels").GetProperty("alertname").GetString() != "ClientsWaiting"), Bound,
            "ClientsWaiting no longer active in Alertmanager");

        Assert.True(await NotificationsAsync(http, AlertNotifier.AlertmanagerReceiver, "sent") >= 2, "a firing and a resolved batch delivered to Alertmanager");
        Assert.Equal(0, await NotificationsAsync(http, AlertNotifier.AlertmanagerReceiver, "failed"));
        // ClientWaitLong (the queued client waited 1 s) may have fired and resolved too: its own payloads.
        Assert.True(await NotificationsAsync(http, AlertNotifier.WebhookReceiver, "sent") >= 2, "a firing and a resolved payload delivered to the webhook");
    }

    [SkippableFact]
    public async Task Receivers_that_are_down_or_never_answer_are_retried_and_the_gateway_never_waits_for_them()
    {
        var blackHole = Own(WebhookReceiver.StartBlackHole());
        var down = $"http://127.0.0.1:{PoolGuardProcess.UnusedPort()}";
        var timeout = TimeSpan.FromSeconds(1);
        var http = Own(await AdminHttpHarness.StartAsync(c => c with
        {
            AlertEvaluationInterval = TimeSpan.FromSeconds(1),
            AlertResendInterval = TimeSpan.FromSeconds(1),
            AlertNotifyTimeout = timeout,
            // Fires at the first evaluation and stays firing: Alertmanager is due a resend every second.
            Alerts = Rules(new AlertRuleEntry { Name = "AlwaysFiring", Expr = "pgbouncer_up == 1", Summary = "the gateway is up" }),
        }));
        await using var client = await http.Gateway.OpenAsync().WaitAsync(Bound);
        var before = await QueryLatenciesAsync(client);

        // Live: a reload adds the receivers.
        http.Gateway.Server.Apply(http.Gateway.Server.Config with { AlertmanagerUrls = [down], AlertWebhookUrls = [blackHole.Url.ToString()] });
        await Eventually.AssertAsync(() => NotificationsAsync(http, AlertNotifier.WebhookReceiver, "failed"), f => f >= 2, Bound,
            "the black-holed webhook tried twice (timed out, then retried)");
        await Eventually.AssertAsync(() => NotificationsAsync(http, AlertNotifier.AlertmanagerReceiver, "failed"), f => f >= 2, Bound,
            "the unreachable Alertmanager tried twice");
        var during = await QueryLatenciesAsync(client);

        // The evaluator keeps its pace: three evaluations in a row, a second apart, while both receivers fail.
        var times = new List<DateTimeOffset>();
        for (var i = 0; i < 3; i++)
        {
            var alerts = JsonDocument.Parse(await http.GetStringAsync("/api/alerts").WaitAsync(Bound)).RootElement;
            times.Add(alerts.GetProperty("evaluated_at").GetDateTimeOffset());
            await Task.Delay(1100);
        }
        Assert.True(times[2] - times[0] >= TimeSpan.FromSeconds(1.5), $"evaluations went on: {string.Join(", ", times)}");

        output.WriteLine($"select 1 through the gateway, 200 queries: without receivers p50 {Percentile(before, 50):0.000} ms, p99 {Percentile(before, 99):0.000} ms, max {before.Max():0.000} ms; " +
            $"with an unreachable Alertmanager and a black-holed webhook p50 {Percentile(during, 50):0.000} ms, p99 {Percentile(during, 99):0.000} ms, max {during.Max():0.000} ms");
        Assert.True(during.Max() < timeout.TotalMilliseconds, $"no query waited for a notification (slowest {during.Max():0.0} ms, notify timeout {timeout.TotalMilliseconds} ms)");
        Assert.Equal(0, await NotificationsAsync(http, AlertNotifier.WebhookReceiver, "sent"));
    }

    private static async Task<List<double>> QueryLatenciesAsync(NpgsqlConnection client)
    {
        var latencies = new List<double>(200);
        await using var command = new NpgsqlCommand("select 1", client);
        for (var i = 0; i < 200; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await command.ExecuteScalarAsync().WaitAsync(Bound);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return latencies;
    }

    private static double Percentile(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1)];
    }
}
