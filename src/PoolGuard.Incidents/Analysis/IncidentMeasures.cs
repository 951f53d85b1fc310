using PoolGuard.Incidents.Model;

namespace PoolGuard.Incidents.Analysis;

/// <summary>One investigation path measured: how long it was followed (opened to closed, an open one until the incident ended).</summary>
public sealed record PathMeasure(InvestigationPath Path, TimeSpan Duration);

/// <summary>
/// What the analysis of an incident finds: each milestone's time from the impact's start (null when the timeline has
/// none), the misleading paths and the time spent on them (overlaps counted once), and hints derived from the data.
/// </summary>
public sealed record IncidentMeasures
{
    public required DateTimeOffset ImpactStart { get; init; }
    public required DateTimeOffset End { get; init; }
    public TimeSpan Duration => End - ImpactStart;
    public TimeSpan? TimeToDetect { get; init; }
    public TimeSpan? TimeToAcknowledge { get; init; }
    public TimeSpan? TimeToRootCause { get; init; }
    public TimeSpan? TimeToMitigate { get; init; }
    public TimeSpan? TimeToResolve { get; init; }
    public IReadOnlyList<PathMeasure> MisleadingPaths { get; init; } = [];

    /// <summary>The time some misleading path was being followed, each minute counted once however many ran at once.</summary>
    public TimeSpan MisleadingTime { get; init; }

    /// <summary>Of the incident's duration, 0–1.</summary>
    public double MisleadingShare => Duration > TimeSpan.Zero ? MisleadingTime / Duration : 0;

    public IReadOnlyList<string> Hints { get; init; } = [];
}
