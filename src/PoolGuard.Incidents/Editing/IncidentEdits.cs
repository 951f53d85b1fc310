using System.Globalization;
using PoolGuard.Incidents.Model;

namespace PoolGuard.Incidents.Editing;

/// <summary>An edit that does not fit the record (an unknown path, a closed one closed again, a time before it was opened): why.</summary>
public sealed class IncidentEditException(string message) : Exception(message);

/// <summary>
/// The changes a responder makes to a record — an entry added, a path opened or closed, an action item added or
/// done, the review's status moved on — each returning the new record, the timeline kept in time order. Paths get
/// the next free id (P1, P2, …); opening one adds its hypothesis entry and closing one adds what closed it, so the
/// timeline tells the same story the paths do.
/// </summary>
public static class IncidentEdits
{
    public static Incident AddEntry(Incident incident, TimelineEntry entry)
    {
        if (entry.PathId is { } path && incident.Paths.All(p => p.Id != path))
        {
            throw new IncidentEditException($"no path {path} in {incident.Id} (its paths: {Paths(incident)})");
        }
        return incident with { Timeline = [.. incident.Timeline.Append(entry).OrderBy(e => e.At)] };
    }

    public static Incident OpenPath(Incident incident, DateTimeOffset at, string hypothesis, string? source)
    {
        var id = $"P{incident.Paths.Select(p => int.TryParse(p.Id.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).DefaultIfEmpty(0).Max() + 1}";
        var opened = incident with { Paths = [.. incident.Paths, new InvestigationPath(id, hypothesis, at)] };
        return AddEntry(opened, new TimelineEntry(at, EntryKind.Hypothesis, hypothesis) { PathId = id, Source = source });
    }

    public static Incident ClosePath(Incident incident, string id, DateTimeOffset at, PathOutcome outcome, string because, string? source)
    {
        var path = incident.Paths.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase))
            ?? throw new IncidentEditException($"no path {id} in {incident.Id} (its paths: {Paths(incident)})");
        if (outcome == PathOutcome.Open)
        {
            throw new IncidentEditException("a path is closed as confirmed or ruled-out");
        }
        if (path.Outcome != PathOutcome.Open)
        {
            throw new IncidentEditException($"{path.Id} is already closed ({(path.Outcome == PathOutcome.Confirmed ? "confirmed" : "ruled out")} at {path.ClosedAt:yyyy-MM-dd HH:mm} UTC)");
        }
        if (at < path.OpenedAt)
        {
            throw new IncidentEditException($"{path.Id} was opened at {path.OpenedAt:yyyy-MM-dd HH:mm} UTC: it cannot close before that");
        }
        var closed = incident with
        {
            Paths = [.. incident.Paths.Select(p => p == path ? p with { ClosedAt = at, Outcome = outcome, ClosedBecause = because } : p)],
        };
        return AddEntry(closed, new TimelineEntry(at, EntryKind.Investigation, $"{(outcome == PathOutcome.Confirmed ? "confirmed" : "ruled out")}: {because}")
        {
            PathId = path.Id, Source = source,
        });
    }

    public static Incident AddAction(Incident incident, ActionItem action) => incident with { ActionItems = [.. incident.ActionItems, action] };

    /// <param name="number">1-based, as `show` lists them.</param>
    public static Incident ActionDone(Incident incident, int number)
    {
        if (number < 1 || number > incident.ActionItems.Count)
        {
            throw new IncidentEditException($"{incident.Id} has {incident.ActionItems.Count} action item(s): give a number from 1 to {incident.ActionItems.Count}");
        }
        return incident with { ActionItems = [.. incident.ActionItems.Select((a, i) => i == number - 1 ? a with { Status = ActionStatus.Done } : a)] };
    }

    /// <summary>The review moves forward one step at a time (draft → in review → reviewed → closed), or back to draft to start over.</summary>
    public static Incident SetStatus(Incident incident, IncidentStatus status)
    {
        if (incident.Status == IncidentStatus.Closed && status is not (IncidentStatus.Draft or IncidentStatus.Closed))
        {
            throw new IncidentEditException($"{incident.Id} is closed: it can only go back to draft");
        }
        if (status != IncidentStatus.Draft && status != incident.Status && (int)status != (int)incident.Status + 1)
        {
            throw new IncidentEditException($"{incident.Id} is {Name(incident.Status)}: it moves on to {Name(incident.Status + 1)} (or back to draft), not to {Name(status)}");
        }
        return incident with { Status = status };
    }

    public static string Name(IncidentStatus status) => status switch
    {
        IncidentStatus.InReview => "in-review",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Paths(Incident incident) => incident.Paths.Count == 0 ? "none" : string.Join(", ", incident.Paths.Select(p => p.Id));
}
