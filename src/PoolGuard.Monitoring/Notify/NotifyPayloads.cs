using System.Text.Json.Serialization;

namespace PoolGuard.Monitoring.Notify;

/// <summary>
/// One alert as Alertmanager's v2 API takes it (<c>POST /api/v2/alerts</c>, a list of these), the form
/// Prometheus sends: a firing alert's endsAt is when Alertmanager may consider it resolved if it hears no
/// more; a resolved one's is when it resolved.
/// </summary>
internal sealed record PostableAlert(
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    [property: JsonPropertyName("generatorURL")] string GeneratorUrl);

/// <summary>Alertmanager's webhook payload, version 4: what a receiver of Alertmanager's webhooks already reads.</summary>
internal sealed record WebhookMessage(
    string Version,
    string GroupKey,
    int TruncatedAlerts,
    string Status,
    string Receiver,
    IReadOnlyDictionary<string, string> GroupLabels,
    IReadOnlyDictionary<string, string> CommonLabels,
    IReadOnlyDictionary<string, string> CommonAnnotations,
    [property: JsonPropertyName("externalURL")] string ExternalUrl,
    IReadOnlyList<WebhookAlert> Alerts);

internal sealed record WebhookAlert(
    string Status,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    [property: JsonPropertyName("generatorURL")] string GeneratorUrl,
    string Fingerprint);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyList<PostableAlert>))]
[JsonSerializable(typeof(WebhookMessage))]
internal sealed partial class NotifyJsonContext : JsonSerializerContext;
