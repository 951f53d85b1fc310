using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PoolGuard.Config.Model;
using PoolGuard.Monitoring.Alerts;
using PoolGuard.Monitoring.Notify;

namespace PoolGuard.Tests.Monitoring;

/// <summary>
/// What the notifier sends and when, on a fake clock, to an in-process HTTP handler (the real Alertmanager and
/// webhook receivers are in the integration tests): Prometheus' resend rhythm, the resolved end time, one webhook
/// payload per rule, retries with backoff.
/// </summary>
public sealed class AlertNotifierTests : IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly RecordingHandler _handler = new();
    private readonly FakeTimeProvider _time = new(T0);
    private readonly AlertEngine _engine = new(
    [
        new AlertRuleEntry { Name = "ClientsWaiting", Expr = "pgbouncer_pools_client_waiting_connections > 0", Summary = "{{ $value }} waiting", RunbookUrl = "runbooks/clients-waiting.md" },
        new AlertRuleEntry { Name = "PoolFull", Expr = "poolguard_pool_utilisation_ratio >= 0.95", Severity = "critical", Summary = "full" },
    ]);
    private PoolGuardConfig _config = new() { AlertEvaluationInterval = TimeSpan.FromSeconds(5), AlertResendInterval = TimeSpan.FromMinutes(1) };
    private AlertNotifier? _notifier;

    public async ValueTask DisposeAsync()
    {
        if (_notifier is not null)
        {
            await _notifier.DisposeAsync();
        }
    }

    private AlertNotifier Notifier(PoolGuardConfig config)
    {
        _config = config;
        return _notifier = new AlertNotifier(() => _config, () => "http://poolguard.test:9930/", NullLogger.Instance, _time, _handler);
    }

    private static MetricSeries Series(string name, double value) =>
        new(name, new Dictionary<string, string>(StringComparer.Ordinal) { ["database"] = "app", ["user"] = "app_user" }, value);

    /// <summary>One evaluation at T0 + seconds of `waiting` queued clients and a pool `utilisation` full, handed to the notifier.</summary>
    private void Evaluate(AlertNotifier notifier, double seconds, double waiting, double utilisation = 0.5)
    {
        var now = T0.AddSeconds(seconds);
        var transitions = _engine.Evaluate(now, [Series("pgbouncer_pools_client_waiting_connections", waiting), Series("poolguard_pool_utilisation_ratio", utilisation)]);
        notifier.OnEvaluated(new AlertSnapshot(now, _engine.Active, _engine.Rules), transitions);
    }

    private async Task<List<(Uri Url, JsonElement Body)>> ReceivedAsync(int count)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (_handler.Requests.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        Assert.Equal(count, _handler.Requests.Count);
        return [.. _handler.Requests];
    }

    [Fact]
    public async Task Alertmanager_gets_a_new_alert_at_once_again_each_resend_interval_and_its_end_when_it_resolves()
    {
        var notifier = Notifier(_config with { AlertmanagerUrls = ["http://am.test:9093"] });

        Evaluate(notifier, 0, waiting: 3);
        var first = Assert.Single(await ReceivedAsync(1));
        Assert.Equal("http://am.test:9093/api/v2/alerts", first.Url.ToString());
        var alert = Assert.Single(first.Body.EnumerateArray().ToList());
        Assert.Equal("ClientsWaiting", alert.GetProperty("labels").GetProperty("alertname").GetString());
        Assert.Equal("3 waiting", alert.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Equal("runbooks/clients-waiting.md", alert.GetProperty("annotations").GetProperty("runbook_url").GetString());
        Assert.Equal(T0, alert.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(T0.AddMinutes(4), alert.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Equal("http://poolguard.test:9930/api/alerts", alert.GetProperty("generatorURL").GetString());

        Evaluate(notifier, 30, waiting: 3);
        await Task.Delay(100);
        Assert.Single(_handler.Requests);

        Evaluate(notifier, 60, waiting: 4);
        var resent = (await ReceivedAsync(2))[1].Body.EnumerateArray().Single();
        Assert.Equal(T0, resent.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(T0.AddSeconds(60).AddMinutes(4), resent.GetProperty("endsAt").GetDateTimeOffset());

        Evaluate(notifier, 70, waiting: 0);
        var resolved = (await ReceivedAsync(3))[2].Body.EnumerateArray().Single();
        Assert.Equal(T0.AddSeconds(70), resolved.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Equal("4 waiting", resolved.GetProperty("annotations").GetProperty("summary").GetString());
    }

    [Fact]
    public async Task A_webhook_gets_one_version_4_payload_per_rule_that_changed_firing_then_resolved()
    {
        var notifier = Notifier(_config with { AlertWebhookUrls = ["http://hook.test/T0KEN"], AlertExternalUrl = "https://poolguard.example/" });

        Evaluate(notifier, 0, waiting: 2, utilisation: 1);
        var two = await ReceivedAsync(2);
        Assert.All(two, r => Assert.Equal("http://hook.test/T0KEN", r.Url.ToString()));
        var waiting = two.Single(r => r.Body.GetProperty("groupLabels").GetProperty("alertname").GetString() == "ClientsWaiting").Body;
        Assert.Equal("4", waiting.GetProperty("version").GetString());
        Assert.Equal("firing", waiting.GetProperty("status").GetString());
        Assert.Equal("https://poolguard.example", waiting.GetProperty("externalURL").GetString());
        Assert.Equal("app", waiting.GetProperty("commonLabels").GetProperty("database").GetString());
        var firing = waiting.GetProperty("alerts").EnumerateArray().Single();
        Assert.Equal(DateTimeOffset.MinValue, firing.GetProperty("endsAt").GetDateTimeOffset());

        Evaluate(notifier, 5, waiting: 2, utilisation: 1);
        Evaluate(notifier, 10, waiting: 0, utilisation: 1);
        var resolved = (await ReceivedAsync(3))[2].Body;
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        var ended = resolved.GetProperty("alerts").EnumerateArray().Single();
        Assert.Equal(("resolved", T0.AddSeconds(10)), (ended.GetProperty("status").GetString(), ended.GetProperty("endsAt").GetDateTimeOffset()));
        Assert.Equal(firing.GetProperty("fingerprint").GetString(), ended.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public async Task A_receiver_added_by_a_reload_first_hears_of_every_alert_already_firing()
    {
        var notifier = Notifier(_config);
        Evaluate(notifier, 0, waiting: 2);
        Assert.Empty(_handler.Requests);

        _config = _config with { AlertWebhookUrls = ["http://hook.test/new"] };
        Evaluate(notifier, 5, waiting: 2);

        var body = Assert.Single(await ReceivedAsync(1)).Body;
        Assert.Equal("firing", body.GetProperty("status").GetString());
        Assert.Equal("ClientsWaiting", body.GetProperty("groupLabels").GetProperty("alertname").GetString());
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_with_backoff_until_it_answers_and_every_attempt_is_counted()
    {
        _handler.FailFirst = 2;
        var notifier = Notifier(_config with { AlertWebhookUrls = ["http://hook.test/flaky"] });

        Evaluate(notifier, 0, waiting: 1);
        var sender = Assert.Single(notifier.Senders);
        var deadline = DateTime.UtcNow + Bound;
        while (sender.Sent == 0 && DateTime.UtcNow < deadline)
        {
            _time.Advance(TimeSpan.FromSeconds(1)); // the backoff waits on the fake clock: 1 s, then 2 s
            await Task.Delay(10);
        }

        Assert.Equal((1, 2, 0), (sender.Sent, sender.Failed, sender.DroppedCount));
        Assert.Equal(3, _handler.Attempts);
        Assert.Equal("http://hook.test", sender.Target); // no path: it may hold a token
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        private int _attempts;

        public ConcurrentQueue<(Uri Url, JsonElement Body)> Requests { get; } = new();

        public int FailFirst { get; set; }

        public int Attempts => Volatile.Read(ref _attempts);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _attempts) <= FailFirst)
            {
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            }
            using var document = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
            Requests.Enqueue((request.RequestUri!, document.RootElement.Clone()));
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }
}
