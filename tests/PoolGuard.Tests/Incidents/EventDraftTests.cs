using PoolGuard.Incidents.Analysis;
using PoolGuard.Incidents.Drafting;
using PoolGuard.Incidents.Markdown;
using PoolGuard.Incidents.Model;

namespace PoolGuard.Tests.Incidents;

/// <summary>Drafting from event lines in the gateway's format (docs/events.md): kinds, order, the window, and lines that are not events.</summary>
public sealed class EventDraftTests
{
    private static readonly string[] Episode =
    [
        """{"seq":1,"time":"2026-11-24T14:00:00.0000000Z","kind":"started","pool":null,"detail":"listening on 127.0.0.1:6432","numbers":{}}""",
        """{"seq":3,"time":"2026-11-24T14:02:11.5230000Z","kind":"pool_saturated","pool":"app/app_user","detail":"all 20 of 20 servers busy, clients queueing","numbers":{"servers_open":20,"pool_size":20,"clients_active":20}}""",
        """{"seq":2,"time":"2026-11-24T14:02:10.0000000Z","kind":"alert_firing","pool":"app/app_user","detail":"PoolSaturated (critical): clients wait for servers","numbers":{"value_milli":1000,"pending_ms":30000}}""",
        "this line is not JSON",
        """{"seq":4,"time":"2026-11-24T14:03:00.0000000Z","kind":"client_refused","pool":null,"detail":"max_client_conn 100 reached","numbers":{"max_client_conn":100}}""",
        "",
        """{"seq":5,"time":"2026-11-24T14:05:30.0000000Z","kind":"reloaded","pool":null,"detail":"DefaultPoolSize: 20 → 40","numbers":{"changes":1}}""",
        """{"seq":6,"time":"2026-11-24T14:06:40.0000000Z","kind":"pool_recovered","pool":"app/app_user","detail":"queue empty for 1 s","numbers":{"saturated_ms":269000,"peak_waiting":80}}""",
        """{"seq":7,"time":"2026-11-24T15:00:00.0000000Z","kind":"stopped","pool":null,"detail":"stopped","numbers":{}}""",
    ];

    [Fact]
    public void Each_event_becomes_an_entry_from_poolguard_in_time_order_and_a_line_that_is_not_one_is_reported()
    {
        var (incident, problems, _) = EventDraft.FromLines(Episode, new DraftOptions());

        Assert.Equal([EntryKind.Alert, EntryKind.Detection, EntryKind.ImpactStart, EntryKind.Mitigation, EntryKind.Note, EntryKind.Note], incident.Timeline.Select(e => e.Kind));
        Assert.All(incident.Timeline, e => Assert.Equal(IncidentAnalysis.PoolGuardSource, e.Source));
        Assert.Equal(["event seq 2"], incident.Timeline[0].Evidence);
        Assert.Equal("app/app_user: pool saturated: all 20 of 20 servers busy, clients queueing (servers_open 20, pool_size 20, clients_active 20)", incident.Timeline[1].Text);
        Assert.Equal("gateway: client refused: max_client_conn 100 reached (max_client_conn 100)", incident.Timeline[2].Text);
        Assert.Equal("2026-11-24-1402-draft", incident.Id);
        Assert.Equal("Draft from the gateway's events on app/app_user", incident.Title);
        Assert.Equal(IncidentStatus.Draft, incident.Status);
        var problem = Assert.Single(problems);
        Assert.Equal((4, "this line is not JSON"), (problem.Line, problem.Text));
    }

    [Fact]
    public void The_window_keeps_only_its_events_and_an_empty_one_says_so()
    {
        var window = EventDraft.FromLines(Episode, new DraftOptions { From = new DateTimeOffset(2026, 11, 24, 14, 2, 11, TimeSpan.Zero), To = new DateTimeOffset(2026, 11, 24, 14, 4, 0, TimeSpan.Zero) });
        Assert.Equal([EntryKind.Detection, EntryKind.ImpactStart], window.Incident.Timeline.Select(e => e.Kind));

        var empty = Assert.Throws<IncidentImportException>(() => EventDraft.FromLines(Episode, new DraftOptions { From = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero) }));
        Assert.Equal("no gateway events between 2027-01-01 00:00:00 UTC and the end", empty.Message);
    }

    [Fact]
    public void A_draft_annotated_with_a_misleading_path_gets_the_hint_that_poolguard_saw_it_first()
    {
        var draft = EventDraft.FromLines(Episode, new DraftOptions()).Incident;
        var opened = new DateTimeOffset(2026, 11, 24, 14, 30, 0, TimeSpan.Zero);
        var annotated = draft with
        {
            Timeline = [.. draft.Timeline, new TimelineEntry(opened, EntryKind.Hypothesis, "suspected a DDoS") { PathId = "P1" }],
            Paths = [new InvestigationPath("P1", "suspected a DDoS", opened) { ClosedAt = opened.AddMinutes(20), Outcome = PathOutcome.RuledOut }],
        };

        var hint = Assert.Single(IncidentAnalysis.Analyze(annotated).Hints, h => h.StartsWith("the signal", StringComparison.Ordinal));
        Assert.Contains("was available 28 min before the path was opened", hint, StringComparison.Ordinal); // the alert at 14:02:10
        Assert.Contains("PoolSaturated (critical)", hint, StringComparison.Ordinal);
    }
}
