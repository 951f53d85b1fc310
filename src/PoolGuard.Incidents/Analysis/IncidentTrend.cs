using PoolGuard.Incidents.Model;

namespace PoolGuard.Incidents.Analysis;

/// <summary>One incident's measures in a trend: which, when it began, and what the analysis found.</summary>
public sealed record TrendRow(string Id, string Title, IncidentMeasures Measures);

/// <summary>How one measure moved: its median over the earlier half of the incidents and over the later half (null: too few values).</summary>
public sealed record MeasureTrend(string Measure, TimeSpan? Earlier, TimeSpan? Later, int Values);

/// <summary>
/// `incident stats`: every record with a timeline measured, oldest first, and each measure's median over the earlier
/// and the later half of them — is the team detecting sooner, losing less time on misleading paths, than before?
/// Medians, since one long outage would drag a mean.
/// </summary>
public static class IncidentTrend
{
    public static (IReadOnlyList<TrendRow> Rows, IReadOnlyList<MeasureTrend> Trends) Of(IEnumerable<Incident> incidents)
    {
        var rows = incidents.Where(i => i.Timeline.Count > 0).Select(i => new TrendRow(i.Id, i.Title, IncidentAnalysis.Analyze(i)))
            .OrderBy(r => r.Measures.ImpactStart).ToList();
        var measures = new (string Name, Func<IncidentMeasures, TimeSpan?> Read)[]
        {
            ("time to detect", m => m.TimeToDetect), ("time to acknowledge", m => m.TimeToAcknowledge), ("time to root cause", m => m.TimeToRootCause),
            ("time to mitigate", m => m.TimeToMitigate), ("time to resolve", m => m.TimeToResolve), ("time on misleading paths", m => m.MisleadingTime),
        };
        var half = rows.Count / 2;
        return (rows, [.. measures.Select(m =>
        {
            var values = rows.Select(r => m.Read(r.Measures)).ToList();
            return new MeasureTrend(m.Name, Median(values.Take(half)), Median(values.Skip(half)), values.Count(v => v is not null));
        })]);
    }

    internal static TimeSpan? Median(IEnumerable<TimeSpan?> values)
    {
        var known = values.Where(v => v is not null).Select(v => v!.Value).Order().ToList();
        return known.Count == 0 ? null
            : known.Count % 2 == 1 ? known[known.Count / 2]
            : (known[known.Count / 2 - 1] + known[known.Count / 2]) / 2;
    }
}
