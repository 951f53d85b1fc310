using System.Globalization;
using PoolGuard.Incidents.Model;

namespace PoolGuard.Incidents.Analysis;

/// <summary>
/// Measures an incident from its timeline and paths: time to detect, acknowledge, identify the root cause, mitigate
/// and resolve, all from the impact's start (the first impact-start entry, else the first entry); the misleading
/// paths (ruled out) and their share of the incident; and hints — a PoolGuard signal that was already there when a
/// misleading path was opened is the most useful thing a review can learn.
/// </summary>
public static class IncidentAnalysis
{
    /// <summary>Entries from this source are the gateway's own events (drafted from telemetry).</summary>
    public const string PoolGuardSource = "poolguard";

    public static IncidentMeasures Analyze(Incident incident)
    {
        var timeline = incident.Timeline.OrderBy(e => e.At).ToList();
        if (timeline.Count == 0)
        {
            throw new InvalidOperationException($"incident {incident.Id} has no timeline to analyse");
        }
        var start = First(timeline, EntryKind.ImpactStart) ?? timeline[0].At;
        var confirmed = incident.Paths.Where(p => p.Outcome == PathOutcome.Confirmed && p.ClosedAt is not null).Select(p => p.ClosedAt!.Value).Order().ToList();
        var resolved = First(timeline, EntryKind.Resolution);
        var end = resolved ?? timeline[^1].At;
        var misleading = incident.Paths.Where(p => p.Misleading).OrderBy(p => p.OpenedAt)
            .Select(p => new PathMeasure(p, Max(TimeSpan.Zero, (p.ClosedAt ?? end) - p.OpenedAt))).ToList();
        var measures = new IncidentMeasures
        {
            ImpactStart = start,
            End = end,
            TimeToDetect = Since(start, timeline.Where(e => e.Kind is EntryKind.Detection or EntryKind.Alert).Select(e => (DateTimeOffset?)e.At).FirstOrDefault()),
            TimeToAcknowledge = Since(start, First(timeline, EntryKind.Acknowledgement)),
            TimeToRootCause = Since(start, confirmed.Count > 0 ? confirmed[0] : null),
            TimeToMitigate = Since(start, First(timeline, EntryKind.Mitigation)),
            TimeToResolve = Since(start, resolved),
            MisleadingPaths = misleading,
            MisleadingTime = Union(misleading.Select(m => (m.Path.OpenedAt, m.Path.OpenedAt + m.Duration))),
        };
        return measures with { Hints = Hints(incident, timeline, measures, confirmed.Count > 0 ? confirmed[0] : null) };
    }

    private static List<string> Hints(Incident incident, List<TimelineEntry> timeline, IncidentMeasures measures, DateTimeOffset? rootCause)
    {
        var hints = new List<string>();
        var signals = timeline.Where(e => string.Equals(e.Source, PoolGuardSource, StringComparison.OrdinalIgnoreCase) && e.Kind != EntryKind.Note).ToList();
        foreach (var (path, duration) in measures.MisleadingPaths)
        {
            if (signals.FirstOrDefault(s => s.At < path.OpenedAt) is { } signal)
            {
                hints.Add($"the signal that could have ruled out \"{path.Hypothesis}\" was available {Minutes(path.OpenedAt - signal.At)} before the path was opened: "
                    + $"PoolGuard's \"{signal.Text}\" at {Clock(signal.At, incident.TimeZone)}");
            }
        }
        if (measures.MisleadingPaths.Count > 0 && rootCause is { } found)
        {
            hints.Add($"the root cause was identified {Minutes(found - measures.MisleadingPaths[0].Path.OpenedAt)} after the first misleading path (\"{measures.MisleadingPaths[0].Path.Hypothesis}\") was opened; "
                + $"{Minutes(measures.MisleadingTime)} ({(measures.MisleadingShare * 100).ToString("0", CultureInfo.InvariantCulture)} % of the incident) went to paths that were ruled out");
        }
        if (rootCause is null)
        {
            hints.Add("no path was confirmed as the root cause: close the right one as confirmed so time to root cause can be measured");
        }
        foreach (var open in incident.Paths.Where(p => p.Outcome == PathOutcome.Open))
        {
            hints.Add($"the path \"{open.Hypothesis}\" was never closed: say whether it was confirmed or ruled out, and by what");
        }
        return hints;
    }

    /// <summary>The length of the union of intervals.</summary>
    internal static TimeSpan Union(IEnumerable<(DateTimeOffset From, DateTimeOffset To)> intervals)
    {
        var total = TimeSpan.Zero;
        DateTimeOffset? from = null, to = null;
        foreach (var (a, b) in intervals.OrderBy(i => i.From))
        {
            if (to is { } current && a <= current)
            {
                to = b > current ? b : current;
                continue;
            }
            if (from is not null)
            {
                total += to!.Value - from.Value;
            }
            (from, to) = (a, b);
        }
        return from is null ? total : total + (to!.Value - from.Value);
    }

    private static DateTimeOffset? First(List<TimelineEntry> timeline, EntryKind kind) =>
        timeline.Where(e => e.Kind == kind).Select(e => (DateTimeOffset?)e.At).FirstOrDefault();

    private static TimeSpan? Since(DateTimeOffset start, DateTimeOffset? at) => at is { } moment ? moment - start : null;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    internal static string Minutes(TimeSpan span) => span < TimeSpan.FromMinutes(1)
        ? $"{Math.Round(span.TotalSeconds).ToString("0", CultureInfo.InvariantCulture)} s"
        : span.TotalMinutes >= 90
        ? $"{Math.Floor(span.TotalHours).ToString("0", CultureInfo.InvariantCulture)} h {span.Minutes.ToString("0", CultureInfo.InvariantCulture)} min"
        : $"{Math.Round(span.TotalMinutes).ToString("0", CultureInfo.InvariantCulture)} min";

    /// <summary>A UTC time as the incident's responders read it, in its time zone.</summary>
    internal static string Clock(DateTimeOffset at, string timeZone)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var found) ? found : TimeZoneInfo.Utc;
        return TimeZoneInfo.ConvertTime(at, zone).ToString("HH:mm", CultureInfo.InvariantCulture) + (zone == TimeZoneInfo.Utc ? " UTC" : $" {timeZone}");
    }
}
