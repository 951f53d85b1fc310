namespace PoolGuard.Incidents.Model;

/// <summary>
/// One moment of an incident: when (UTC), what kind, what happened, who or what said so (a person, "poolguard" for
/// the gateway's own events), links to the evidence, and the investigation path it belongs to, if any.
/// </summary>
public sealed record TimelineEntry(DateTimeOffset At, EntryKind Kind, string Text)
{
    public string? Source { get; init; }
    public IReadOnlyList<string> Evidence { get; init; } = [];

    /// <summary>The <see cref="InvestigationPath.Id"/> this entry opened or belongs to.</summary>
    public string? PathId { get; init; }
}
