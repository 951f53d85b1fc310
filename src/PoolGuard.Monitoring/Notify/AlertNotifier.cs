using System.Text.Json;
using Microsoft.Extensions.Logging;
using PoolGuard.Config.Model;
using PoolGuard.Monitoring.Alerts;

namespace PoolGuard.Monitoring.Notify;

/// <summary>
/// Turns each evaluation into notifications and hands them to one sender per configured URL (re-planned when
/// a reload changes the URLs). Alertmanager gets what Prometheus would send it: alerts that began firing, alerts
/// that resolved (endsAt = then), and every alert still firing again each alert_resend_interval, with an endsAt
/// far enough ahead that it stays firing between resends but resolves by itself if PoolGuard goes away.
/// Webhooks get Alertmanager's webhook payload, one per rule with transitions, as firing or resolved.
/// Called on the evaluator's loop; it serialises and enqueues, never waits on the network.
/// </summary>
public sealed class AlertNotifier : IAsyncDisposable
{
    public const string LogCategory = "PoolGuard.Notify";
    public const string AlertmanagerReceiver = "alertmanager";
    public const string WebhookReceiver = "webhook";

    private static readonly DateTimeOffset NotEnded = DateTimeOffset.MinValue;

    private readonly Func<PoolGuardConfig> _config;
    private readonly Func<string> _defaultExternalUrl;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly Dictionary<string, DateTimeOffset> _lastSent = new(StringComparer.Ordinal);
    private readonly Lock _planning = new();
    private volatile IReadOnlyList<NotificationSender> _senders = [];
    private IReadOnlyList<string>? _plannedAlertmanagers;
    private IReadOnlyList<string>? _plannedWebhooks;

    /// <param name="config">The configuration in force, read at every evaluation.</param>
    /// <param name="defaultExternalUrl">Where PoolGuard is reached when alert_external_url is not set (the admin HTTP endpoint).</param>
    public AlertNotifier(Func<PoolGuardConfig> config, Func<string> defaultExternalUrl, ILogger logger, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        _config = config;
        _defaultExternalUrl = defaultExternalUrl;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        // Each try is bounded by its own token (alert_notify_timeout, which a reload may change), not by HttpClient's.
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("PoolGuard");
    }

    /// <summary>The senders in force, for the metrics.</summary>
    public IReadOnlyList<NotificationSender> Senders => _senders;

    public void OnEvaluated(AlertSnapshot snapshot, IReadOnlyList<AlertTransition> transitions)
    {
        var config = _config();
        var (senders, added) = Plan(config);
        if (senders.Count == 0)
        {
            return;
        }
        var now = snapshot.EvaluatedAt ?? _time.GetUtcNow();
        var external = (config.AlertExternalUrl.Length > 0 ? config.AlertExternalUrl : _defaultExternalUrl()).TrimEnd('/');
        // A receiver added by a reload (or at start) first hears of every alert already firing, not only of what changes next.
        var firing = snapshot.Alerts.Where(a => a.State == AlertState.Firing).ToList();
        var news = firing.Where(a => !transitions.Any(t => t.Alert.Key == a.Key)).Select(a => new AlertTransition(a, Firing: true, now));
        IReadOnlyList<AlertTransition> everything = [.. transitions, .. news];

        var due = AlertmanagerBody(firing, transitions, now, external, config, everyFiring: false);
        var all = added.Any(s => s.Receiver == AlertmanagerReceiver) ? AlertmanagerBody(firing, transitions, now, external, config, everyFiring: true) : null;
        foreach (var sender in senders.Where(s => s.Receiver == AlertmanagerReceiver))
        {
            if ((added.Contains(sender) ? all : due) is { } body)
            {
                sender.Enqueue(body);
            }
        }

        foreach (var sender in senders.Where(s => s.Receiver == WebhookReceiver))
        {
            foreach (var group in (added.Contains(sender) ? everything : transitions).GroupBy(t => t.Alert.Rule, StringComparer.Ordinal))
            {
                sender.Enqueue(JsonSerializer.SerializeToUtf8Bytes(WebhookBody(group.Key, [.. group], external), NotifyJsonContext.Default.WebhookMessage));
            }
        }
    }

    /// <summary>
    /// What Alertmanager is due: alerts that began firing, those firing and not sent for a resend interval (all that
    /// fire, for a receiver just added), and those that resolved. Null when nothing is due.
    /// </summary>
    private byte[]? AlertmanagerBody(List<Alert> firing, IReadOnlyList<AlertTransition> transitions, DateTimeOffset now, string external, PoolGuardConfig config, bool everyFiring)
    {
        // As Prometheus: a firing alert is valid for 4 resend periods (or evaluations, if those are longer).
        var validFor = 4 * (config.AlertResendInterval > config.AlertEvaluationInterval ? config.AlertResendInterval : config.AlertEvaluationInterval);
        var batch = new List<PostableAlert>();
        foreach (var alert in firing)
        {
            var isNew = transitions.Any(t => t.Firing && t.Alert.Key == alert.Key);
            var due = isNew || !_lastSent.TryGetValue(alert.Key, out var last) || now - last >= config.AlertResendInterval;
            if (due || everyFiring)
            {
                batch.Add(Postable(alert, alert.FiringSince ?? now, now + validFor, external));
            }
            if (due)
            {
                _lastSent[alert.Key] = now;
            }
        }
        foreach (var resolved in transitions.Where(t => !t.Firing))
        {
            batch.Add(Postable(resolved.Alert, resolved.Alert.FiringSince ?? resolved.At, resolved.At, external));
        }
        if (!everyFiring)
        {
            var firingKeys = firing.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var key in _lastSent.Keys.Where(k => !firingKeys.Contains(k)).ToList())
            {
                _lastSent.Remove(key);
            }
        }
        return batch.Count == 0 ? null : JsonSerializer.SerializeToUtf8Bytes<IReadOnlyList<PostableAlert>>(batch, NotifyJsonContext.Default.IReadOnlyListPostableAlert);
    }

    private static PostableAlert Postable(Alert alert, DateTimeOffset startsAt, DateTimeOffset endsAt, string external) =>
        new(alert.Labels, Annotations(alert), startsAt.ToUniversalTime(), endsAt.ToUniversalTime(), GeneratorUrl(external));

    private static WebhookMessage WebhookBody(string rule, IReadOnlyList<AlertTransition> transitions, string external)
    {
        var alerts = transitions.Select(t => new WebhookAlert(
            t.Firing ? "firing" : "resolved", t.Alert.Labels, Annotations(t.Alert),
            (t.Alert.FiringSince ?? t.At).ToUniversalTime(), t.Firing ? NotEnded : t.At.ToUniversalTime(),
            GeneratorUrl(external), Fingerprint(t.Alert.Labels))).ToList();
        var groupLabels = new Dictionary<string, string>(StringComparer.Ordinal) { ["alertname"] = rule };
        return new WebhookMessage(
            "4", $"{{}}:{{alertname=\"{rule}\"}}", 0, alerts.Any(a => a.Status == "firing") ? "firing" : "resolved", "poolguard",
            groupLabels, Common(alerts.Select(a => a.Labels)), Common(alerts.Select(a => a.Annotations)), external, alerts);
    }

    private static Dictionary<string, string> Annotations(Alert alert)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal) { ["summary"] = alert.Summary };
        if (alert.Description.Length > 0)
        {
            annotations["description"] = alert.Description;
        }
        if (alert.RunbookUrl.Length > 0)
        {
            annotations["runbook_url"] = alert.RunbookUrl;
        }
        return annotations;
    }

    /// <summary>The pairs every alert of the group has, as Alertmanager's commonLabels / commonAnnotations.</summary>
    private static Dictionary<string, string> Common(IEnumerable<IReadOnlyDictionary<string, string>> sets)
    {
        Dictionary<string, string>? common = null;
        foreach (var set in sets)
        {
            if (common is null)
            {
                common = new Dictionary<string, string>(set, StringComparer.Ordinal);
                continue;
            }
            foreach (var (key, value) in common.ToList())
            {
                if (!set.TryGetValue(key, out var other) || other != value)
                {
                    common.Remove(key);
                }
            }
        }
        return common ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }

    private static string GeneratorUrl(string external) => external + "/api/alerts";

    /// <summary>A stable id of a label set (FNV-1a over the sorted pairs), as the webhook payload carries one.</summary>
    internal static string Fingerprint(IReadOnlyDictionary<string, string> labels)
    {
        const ulong Offset = 14695981039346656037, Prime = 1099511628211;
        var hash = Offset;
        foreach (var (key, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            foreach (var b in System.Text.Encoding.UTF8.GetBytes(key + "\xff" + value + "\xff"))
            {
                hash = (hash ^ b) * Prime;
            }
        }
        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// One sender per URL; a reload that changes the URLs replaces only the senders that changed. Returns the
    /// senders in force and those just added.
    /// </summary>
    private (IReadOnlyList<NotificationSender> Senders, IReadOnlyList<NotificationSender> Added) Plan(PoolGuardConfig config)
    {
        lock (_planning)
        {
            if (ReferenceEquals(config.AlertmanagerUrls, _plannedAlertmanagers) && ReferenceEquals(config.AlertWebhookUrls, _plannedWebhooks))
            {
                return (_senders, []);
            }
            var wanted = config.AlertmanagerUrls.Select(u => (Receiver: AlertmanagerReceiver, Url: AlertmanagerEndpoint(u)))
                .Concat(config.AlertWebhookUrls.Select(u => (Receiver: WebhookReceiver, Url: new Uri(u))))
                .Distinct().ToList();
            var kept = new List<NotificationSender>();
            var added = new List<NotificationSender>();
            foreach (var (receiver, url) in wanted)
            {
                var sender = _senders.FirstOrDefault(s => s.Receiver == receiver && s.Url == url);
                if (sender is null)
                {
                    sender = new NotificationSender(receiver, url, _http, () => _config().AlertNotifyTimeout, _logger, _time);
                    added.Add(sender);
                }
                kept.Add(sender);
            }
            foreach (var gone in _senders.Except(kept))
            {
                _ = gone.DisposeAsync().AsTask();
            }
            _senders = kept;
            _plannedAlertmanagers = config.AlertmanagerUrls;
            _plannedWebhooks = config.AlertWebhookUrls;
            return (kept, added);
        }
    }

    /// <summary>http://am:9093 and http://am:9093/prefix/ both post to …/api/v2/alerts, as Prometheus' alertmanager config does.</summary>
    private static Uri AlertmanagerEndpoint(string url) => new(new Uri(url.TrimEnd('/') + "/"), "api/v2/alerts");

    public async ValueTask DisposeAsync()
    {
        IReadOnlyList<NotificationSender> senders;
        lock (_planning)
        {
            senders = _senders;
            _senders = [];
        }
        foreach (var sender in senders)
        {
            await sender.DisposeAsync().ConfigureAwait(false);
        }
        _http.Dispose();
    }
}
