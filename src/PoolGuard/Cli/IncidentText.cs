using System.Globalization;
using System.Text;
using PoolGuard.Incidents.Analysis;
using PoolGuard.Incidents.Markdown;
using PoolGuard.Incidents.Model;
using PoolGuard.Incidents.Store;

namespace PoolGuard.Cli;

/// <summary>How `poolguard incident` prints records and their analysis; times in the incident's own time zone.</summary>
internal static class IncidentText
{
    public static string Imported(string file, ImportResult imported, string store)
    {
        var incident = imported.Incident;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"{(imported.Layout.StartsWith("gateway", StringComparison.Ordinal) ? "drafted from" : "imported")} {file} as {incident.Id} into {store}: {incident.Timeline.Count} timeline entries, {incident.Paths.Count} investigation path(s), {incident.ActionItems.Count} action item(s)\n");
        if (imported.Problems.Count == 0)
        {
            text.Append("  nothing skipped\n");
        }
        foreach (var problem in imported.Problems)
        {
            text.Append(CultureInfo.InvariantCulture, $"  skipped {(problem.Line > 0 ? $"line {problem.Line}" : "the summary")}: {problem.Reason}: \"{problem.Text}\"\n");
        }
        return text.ToString();
    }

    public static string List(IReadOnlyList<IncidentSummary> incidents, string store)
    {
        if (incidents.Count == 0)
        {
            return $"no incidents in {store} (poolguard incident import FILE.md adds one)\n";
        }
        var text = new StringBuilder();
        text.Append("started (UTC)      severity  status    id and title\n");
        foreach (var incident in incidents)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{incident.StartedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "–",-18} {incident.Severity,-9} {incident.Status,-9} {incident.Id}  {incident.Title}\n");
        }
        return text.ToString();
    }

    public static string Record(Incident incident)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{incident.Title}\n  id {incident.Id}, {incident.Severity}, {incident.Status}, times in {incident.TimeZone}\n");
        if (incident.Impact is { } impact)
        {
            text.Append(CultureInfo.InvariantCulture, $"  impact: {impact.Text}{(impact.UsersShare is { } share ? $" ({share * 100:0.#} % of users)" : "")}\n");
        }
        if (incident.RootCause is { } cause)
        {
            text.Append(CultureInfo.InvariantCulture, $"  root cause: {cause}\n");
        }
        text.Append("timeline\n");
        // seconds when the record has them (a draft from the gateway's events), minutes as postmortems write them otherwise
        var seconds = incident.Timeline.Any(e => e.At.Second != 0 || e.At.Millisecond != 0);
        foreach (var entry in incident.Timeline)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {Clock(entry.At, incident.TimeZone, seconds)}  {Kind(entry.Kind),-15} {(entry.PathId is { } path ? $"[{path}] " : "")}{entry.Text}\n");
        }
        if (incident.Paths.Count > 0)
        {
            text.Append("investigation paths\n");
            foreach (var path in incident.Paths)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"  {path.Id}  {Outcome(path.Outcome),-10} {Clock(path.OpenedAt, incident.TimeZone)}–{(path.ClosedAt is { } closed ? Clock(closed, incident.TimeZone) : "open")}  {path.Hypothesis}\n");
                if (path.Outcome == PathOutcome.RuledOut && path.ClosedBecause is { } because)
                {
                    text.Append(CultureInfo.InvariantCulture, $"      ruled out by: {because}\n");
                }
            }
        }
        if (incident.ActionItems.Count > 0)
        {
            text.Append("action items\n");
            foreach (var action in incident.ActionItems)
            {
                text.Append(CultureInfo.InvariantCulture, $"  [{(action.Status == ActionStatus.Done ? "x" : " ")}] {action.Kind.ToString().ToLowerInvariant(),-8} {action.Title}\n");
            }
        }
        return text.ToString();
    }

    public static string Analysis(Incident incident, IncidentMeasures measures)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"analysis (from the impact's start at {Clock(measures.ImpactStart, incident.TimeZone)}, {Span(measures.Duration)} in all)\n");
        foreach (var (name, value) in new (string, TimeSpan?)[]
        {
            ("time to detect", measures.TimeToDetect), ("time to acknowledge", measures.TimeToAcknowledge), ("time to root cause", measures.TimeToRootCause),
            ("time to mitigate", measures.TimeToMitigate), ("time to resolve", measures.TimeToResolve),
        })
        {
            text.Append(CultureInfo.InvariantCulture, $"  {name,-20} {(value is { } span ? Span(span) : "– (no such entry)")}\n");
        }
        text.Append(CultureInfo.InvariantCulture,
            $"  misleading paths     {measures.MisleadingPaths.Count}, {Span(measures.MisleadingTime)} ({(measures.MisleadingShare * 100).ToString("0.#", CultureInfo.InvariantCulture)} % of the incident)\n");
        foreach (var (path, duration) in measures.MisleadingPaths)
        {
            text.Append(CultureInfo.InvariantCulture, $"    {path.Id}  {Span(duration),-11} {path.Hypothesis}\n");
        }
        foreach (var hint in measures.Hints)
        {
            text.Append(CultureInfo.InvariantCulture, $"  hint: {hint}\n");
        }
        return text.ToString();
    }

    public static string Stats(IReadOnlyList<TrendRow> rows, IReadOnlyList<MeasureTrend> trends, string store)
    {
        if (rows.Count == 0)
        {
            return $"no incidents with a timeline in {store}\n";
        }
        var text = new StringBuilder();
        text.Append("began (UTC)        detect  ack     cause     mitigate  resolve   misleading      id\n");
        foreach (var (id, _, m) in rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{m.ImpactStart.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),-18} {Short(m.TimeToDetect),-7} {Short(m.TimeToAcknowledge),-7} {Short(m.TimeToRootCause),-9} {Short(m.TimeToMitigate),-9} {Short(m.TimeToResolve),-9} {Short(m.MisleadingTime) + $" ({m.MisleadingShare * 100:0} %)",-15} {id}\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"medians, earlier {rows.Count / 2} against later {rows.Count - rows.Count / 2} incident(s)\n");
        foreach (var trend in trends)
        {
            var change = trend is { Earlier: { } before, Later: { } after }
                ? after < before ? "better" : after > before ? "worse" : "unchanged"
                : "too few to compare";
            text.Append(CultureInfo.InvariantCulture, $"  {trend.Measure,-25} {Short(trend.Earlier),-9} → {Short(trend.Later),-9} {change}\n");
        }
        return text.ToString();
    }

    /// <summary>A duration in a column: 45 min, 3 h 05, – when unknown.</summary>
    private static string Short(TimeSpan? span) => span is not { } value ? "–"
        : value.TotalMinutes >= 60 ? $"{Math.Floor(value.TotalHours).ToString("0", CultureInfo.InvariantCulture)} h {value.Minutes.ToString("00", CultureInfo.InvariantCulture)}"
        : $"{Math.Round(value.TotalMinutes).ToString("0", CultureInfo.InvariantCulture)} min";

    private static string Clock(DateTimeOffset at, string zone, bool seconds = false)
    {
        var found = TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz) ? tz : TimeZoneInfo.Utc;
        return TimeZoneInfo.ConvertTime(at, found).ToString(seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    private static string Span(TimeSpan span) => span.TotalMinutes >= 60
        ? $"{Math.Floor(span.TotalHours).ToString("0", CultureInfo.InvariantCulture)} h {span.Minutes.ToString("00", CultureInfo.InvariantCulture)} min"
        : $"{Math.Round(span.TotalMinutes).ToString("0", CultureInfo.InvariantCulture)} min";

    private static string Kind(EntryKind kind) => kind switch
    {
        EntryKind.ImpactStart => "impact-start",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string Outcome(PathOutcome outcome) => outcome switch
    {
        PathOutcome.RuledOut => "ruled out",
        PathOutcome.Confirmed => "confirmed",
        _ => "open",
    };
}
