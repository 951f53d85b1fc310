namespace PoolGuard.Gateway.Events;

/// <summary>One event: what happened, when (UTC), to which pool, and the numbers behind it.</summary>
public sealed record GatewayEvent(long Sequence, DateTimeOffset Time, GatewayEventKind Kind, string? Pool, string Detail);
