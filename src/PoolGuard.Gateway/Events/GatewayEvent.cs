namespace PoolGuard.Gateway.Events;

/// <summary>
/// One event: what happened, when (UTC), to which pool, a sentence for people and the numbers
/// behind it for programs (names in snake_case; durations in milliseconds, suffixed _ms).
/// </summary>
public sealed record GatewayEvent(
    long Sequence,
    DateTimeOffset Time,
    GatewayEventKind Kind,
    string? Pool,
    string Detail,
    IReadOnlyDictionary<string, long> Numbers)
{
    public static readonly IReadOnlyDictionary<string, long> NoNumbers = new Dictionary<string, long>();
}
