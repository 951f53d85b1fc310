using PoolGuard.Incidents.Editing;
using PoolGuard.Incidents.Model;

namespace PoolGuard.Tests.Incidents;

/// <summary>A responder's edits: the timeline kept in order, paths numbered and closed once, action items, the review's steps.</summary>
public sealed class IncidentEditsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Opening_and_closing_paths_writes_the_story_on_the_timeline_in_time_order()
    {
        var incident = IncidentEdits.AddEntry(new Incident("i", "t"), new TimelineEntry(T0.AddMinutes(30), EntryKind.Resolution, "restored"));
        incident = IncidentEdits.OpenPath(incident, T0.AddMinutes(5), "DDoS", "ana");
        incident = IncidentEdits.ClosePath(incident, "p1", T0.AddMinutes(15), PathOutcome.RuledOut, "traffic was ours", "ana");
        incident = IncidentEdits.OpenPath(incident, T0.AddMinutes(15), "the pool", null);

        Assert.Equal(["P1", "P2"], incident.Paths.Select(p => p.Id));
        Assert.Equal((PathOutcome.RuledOut, T0.AddMinutes(15), "traffic was ours"), (incident.Paths[0].Outcome, incident.Paths[0].ClosedAt!.Value, incident.Paths[0].ClosedBecause!));
        Assert.Equal(["DDoS", "ruled out: traffic was ours", "the pool", "restored"], incident.Timeline.Select(e => e.Text));
        Assert.Equal(["P1", "P1", "P2", null], incident.Timeline.Select(e => e.PathId));
    }

    [Fact]
    public void Edits_that_do_not_fit_are_refused_with_the_reason()
    {
        var incident = IncidentEdits.OpenPath(new Incident("i", "t"), T0, "DDoS", null);

        Assert.Contains("no path P7 in i (its paths: P1)", Assert.Throws<IncidentEditException>(() => IncidentEdits.ClosePath(incident, "P7", T0, PathOutcome.RuledOut, "x", null)).Message, StringComparison.Ordinal);
        Assert.Contains("cannot close before that", Assert.Throws<IncidentEditException>(() => IncidentEdits.ClosePath(incident, "P1", T0.AddMinutes(-1), PathOutcome.RuledOut, "x", null)).Message, StringComparison.Ordinal);
        var closed = IncidentEdits.ClosePath(incident, "P1", T0, PathOutcome.Confirmed, "x", null);
        Assert.Contains("already closed", Assert.Throws<IncidentEditException>(() => IncidentEdits.ClosePath(closed, "P1", T0, PathOutcome.RuledOut, "x", null)).Message, StringComparison.Ordinal);
        Assert.Contains("no path P2", Assert.Throws<IncidentEditException>(() => IncidentEdits.AddEntry(incident, new TimelineEntry(T0, EntryKind.Note, "n") { PathId = "P2" })).Message, StringComparison.Ordinal);
        Assert.Contains("from 1 to 0", Assert.Throws<IncidentEditException>(() => IncidentEdits.ActionDone(incident, 1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_review_moves_one_step_at_a_time_or_back_to_draft()
    {
        var incident = new Incident("i", "t");
        Assert.Contains("it moves on to in-review", Assert.Throws<IncidentEditException>(() => IncidentEdits.SetStatus(incident, IncidentStatus.Reviewed)).Message, StringComparison.Ordinal);
        var closed = IncidentEdits.SetStatus(IncidentEdits.SetStatus(IncidentEdits.SetStatus(incident, IncidentStatus.InReview), IncidentStatus.Reviewed), IncidentStatus.Closed);
        Assert.Equal(IncidentStatus.Closed, closed.Status);
        Assert.Contains("only go back to draft", Assert.Throws<IncidentEditException>(() => IncidentEdits.SetStatus(closed, IncidentStatus.InReview)).Message, StringComparison.Ordinal);
        Assert.Equal(IncidentStatus.Draft, IncidentEdits.SetStatus(closed, IncidentStatus.Draft).Status);

        var withAction = IncidentEdits.AddAction(incident, new ActionItem("cap the pool", ActionKind.Prevent));
        Assert.Equal(ActionStatus.Done, IncidentEdits.ActionDone(withAction, 1).ActionItems[0].Status);
    }
}
