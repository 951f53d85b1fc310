using System.Globalization;
using System.Text;
using System.Xml;
using PoolGuard.Incidents.Model;

namespace PoolGuard.Incidents.Markdown;

/// <summary>
/// A record as Markdown in the form <see cref="PostmortemImporter"/> reads — Issue Summary, Timeline, Investigation
/// Paths, Root Cause and Resolution, Contributing Factors, Lessons Learned, Corrective and Preventative Measures —
/// times in the incident's time zone for people, and on each line a <see cref="RecordNote"/> with what the text does
/// not say exactly (the UTC instant, the kind, the path, the source), so importing it again gives the same record.
/// </summary>
public static class PostmortemExporter
{
    public static string Export(Incident incident)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(incident.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        var seconds = incident.Timeline.Any(e => e.At.Second != 0 || e.At.Millisecond != 0);
        string Clock(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString(seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.Append("# ").Append(incident.Title).Append("\n\n## Issue Summary\n\n");
        if (incident.Timeline.Count > 0)
        {
            var start = incident.Timeline.FirstOrDefault(e => e.Kind == EntryKind.ImpactStart)?.At ?? incident.Timeline[0].At;
            var end = incident.Timeline.FirstOrDefault(e => e.Kind == EntryKind.Resolution)?.At ?? incident.Timeline[^1].At;
            text.Append(CultureInfo.InvariantCulture, $"**Duration**: {(end - start).TotalHours:0.##} hours, from {Clock(start)} to {Clock(end)} ({incident.TimeZone}).\n");
        }
        if (incident.Impact is { } impact)
        {
            text.Append("**Impact**: ").Append(impact.Text).Append('\n');
        }
        if (incident.RootCause is { } cause)
        {
            text.Append("**Root Cause**: ").Append(cause).Append('\n');
        }
        text.Append("**Severity**: ").Append(incident.Severity).Append('\n');
        var header = new Dictionary<string, string>
        {
            ["id"] = incident.Id, ["status"] = incident.Status.ToString(), ["time_zone"] = incident.TimeZone, ["impact"] = incident.Impact is null ? "none" : "given",
        };
        if (incident.Impact?.UsersShare is { } share)
        {
            header["users_share"] = share.ToString("R", CultureInfo.InvariantCulture);
        }
        if (incident.Impact?.Duration is { } lasted)
        {
            header["impact_duration"] = XmlConvert.ToString(lasted);
        }
        text.Append(RecordNote.Write(header).TrimStart()).Append('\n');
        if (incident.Summary is { } summary)
        {
            text.Append('\n').Append(summary).Append('\n');
        }

        text.Append("\n## Timeline\n\n");
        foreach (var entry in incident.Timeline)
        {
            var note = new Dictionary<string, string> { ["at"] = entry.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), ["kind"] = entry.Kind.ToString() };
            Put(note, "path", entry.PathId);
            Put(note, "source", entry.Source);
            Put(note, "evidence", entry.Evidence.Count == 0 ? null : string.Join('\n', entry.Evidence));
            text.Append("- **").Append(Clock(entry.At)).Append("**: ").Append(entry.Text).Append(RecordNote.Write(note)).Append('\n');
        }
        if (incident.Paths.Count > 0)
        {
            text.Append("\n## Investigation Paths\n\n");
            foreach (var path in incident.Paths)
            {
                var note = new Dictionary<string, string> { ["opened"] = path.OpenedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), ["outcome"] = path.Outcome.ToString() };
                Put(note, "closed", path.ClosedAt?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                Put(note, "because", path.ClosedBecause);
                var state = path.Outcome switch { PathOutcome.RuledOut => "ruled out", PathOutcome.Confirmed => "confirmed", _ => "open" };
                text.Append("- **").Append(path.Id).Append("** (").Append(state).Append("): ").Append(path.Hypothesis).Append(RecordNote.Write(note)).Append('\n');
            }
        }
        if (incident.Resolution is { } resolution)
        {
            text.Append("\n## Root Cause and Resolution\n\n**Resolution**: ").Append(resolution).Append('\n');
        }
        List(text, "Contributing Factors", incident.ContributingFactors);
        List(text, "Lessons Learned", [.. incident.Lessons.WentWell.Select(l => "Went well: " + l), .. incident.Lessons.WentWrong.Select(l => "Went wrong: " + l),
            .. incident.Lessons.Lucky.Select(l => "Lucky: " + l)]);
        if (incident.ActionItems.Count > 0)
        {
            text.Append("\n## Corrective and Preventative Measures\n\n");
            foreach (var action in incident.ActionItems)
            {
                var note = new Dictionary<string, string> { ["kind"] = action.Kind.ToString() };
                Put(note, "owner", action.Owner);
                Put(note, "due", action.Due?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                Put(note, "link", action.Link);
                text.Append(action.Status == ActionStatus.Done ? "- [x] " : "- [ ] ").Append(action.Title).Append(RecordNote.Write(note)).Append('\n');
            }
        }
        return text.ToString();
    }

    private static void List(StringBuilder text, string heading, IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }
        text.Append("\n## ").Append(heading).Append("\n\n");
        foreach (var item in items)
        {
            text.Append("- ").Append(item).Append('\n');
        }
    }

    private static void Put(Dictionary<string, string> note, string key, string? value)
    {
        if (value is not null)
        {
            note[key] = value;
        }
    }
}
