using PoolGuard.Incidents.Analysis;
using PoolGuard.Incidents.Markdown;
using PoolGuard.Incidents.Model;

namespace PoolGuard.Tests.Incidents;

/// <summary>
/// Postmortems in the common "Issue Summary / Timeline / Root Cause and Resolution / Corrective and Preventative
/// Measures" form, read as people write them; every number below is worked out by hand from the fixture.
/// </summary>
public sealed class PostmortemImportTests
{
    private static ImportResult Import(string fixture, ImportOptions? options = null) =>
        PostmortemImporter.Import(File.ReadAllText(RepositoryFiles.Path("tests", "PoolGuard.Tests", "Incidents", "Fixtures", fixture)), options ?? new ImportOptions());

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void The_outage_is_read_with_its_milestones_and_both_misleading_paths()
    {
        var (incident, problems, _) = Import("unlimited-pool-outage.md");

        Assert.Equal("Site outage: the database ran out of connections", incident.Title);
        Assert.Equal("2024-03-02-site-outage-the-database-ran-out-of-conn", incident.Id);
        Assert.Equal("SEV1", incident.Severity);
        Assert.Equal(1.0, incident.Impact?.UsersShare);
        Assert.Equal(TimeSpan.FromHours(4.5), incident.Impact?.Duration);
        Assert.StartsWith("The application's database connection pool had no upper limit", incident.RootCause, StringComparison.Ordinal);
        Assert.Contains("which the driver reads as unlimited", incident.RootCause, StringComparison.Ordinal);
        Assert.StartsWith("The fix was a pool limit of 50", incident.Resolution, StringComparison.Ordinal);

        Assert.Equal(
            [EntryKind.ImpactStart, EntryKind.Alert, EntryKind.Acknowledgement, EntryKind.Hypothesis, EntryKind.Investigation, EntryKind.Investigation,
                EntryKind.Hypothesis, EntryKind.Escalation, EntryKind.Investigation, EntryKind.Investigation, EntryKind.Mitigation, EntryKind.Resolution],
            incident.Timeline.Select(e => e.Kind));
        Assert.Equal(Utc(2024, 3, 2, 10, 0), incident.Timeline[0].At); // from the Duration line
        Assert.Equal(Utc(2024, 3, 2, 14, 30), incident.Timeline[^1].At);

        var (ddos, slowQueries, pool) = (incident.Paths[0], incident.Paths[1], incident.Paths[2]);
        Assert.Equal("suspected a DDoS attack because of the surge in requests.", ddos.Hypothesis);
        Assert.Equal((PathOutcome.RuledOut, Utc(2024, 3, 2, 11, 0)), (ddos.Outcome, ddos.ClosedAt!.Value));
        Assert.StartsWith("DDoS ruled out", ddos.ClosedBecause, StringComparison.Ordinal);
        Assert.Equal((PathOutcome.RuledOut, Utc(2024, 3, 2, 11, 0), Utc(2024, 3, 2, 13, 0)), (slowQueries.Outcome, slowQueries.OpenedAt, slowQueries.ClosedAt!.Value));
        Assert.Equal((PathOutcome.Confirmed, Utc(2024, 3, 2, 13, 0)), (pool.Outcome, pool.OpenedAt));
        Assert.Equal("P1", incident.Timeline.Single(e => e.Text.StartsWith("Rate limits checked", StringComparison.Ordinal)).PathId);
        Assert.Equal("P2", incident.Timeline.Single(e => e.Text.StartsWith("Query tuning", StringComparison.Ordinal)).PathId);

        Assert.Equal(5, incident.ActionItems.Count);
        Assert.Equal((ActionKind.Prevent, "platform", new DateOnly(2024, 3, 15)), (incident.ActionItems[0].Kind, incident.ActionItems[0].Owner!, incident.ActionItems[0].Due!.Value));
        Assert.Equal((ActionKind.Detect, ActionStatus.Done), (incident.ActionItems[1].Kind, incident.ActionItems[1].Status));
        Assert.Equal([ActionKind.Detect, ActionKind.Process, ActionKind.Process], incident.ActionItems.Skip(2).Select(a => a.Kind));

        var skipped = Assert.Single(problems);
        Assert.Equal("To keep this from happening again we will:", skipped.Text);
        Assert.Equal(33, skipped.Line);
    }

    [Fact]
    public void The_outage_measures_are_those_worked_out_by_hand()
    {
        var measures = IncidentAnalysis.Analyze(Import("unlimited-pool-outage.md").Incident);

        Assert.Equal(TimeSpan.Zero, measures.TimeToDetect);                      // the alert at 10:00
        Assert.Equal(TimeSpan.FromMinutes(5), measures.TimeToAcknowledge);       // 10:05
        Assert.Equal(TimeSpan.FromHours(3), measures.TimeToRootCause);           // discovered at 13:00
        Assert.Equal(TimeSpan.FromHours(3.5), measures.TimeToMitigate);          // the limit applied at 13:30
        Assert.Equal(TimeSpan.FromHours(4.5), measures.TimeToResolve);           // restored at 14:30
        Assert.Equal([TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(120)], measures.MisleadingPaths.Select(m => m.Duration)); // DDoS 10:30–11:00, slow queries 11:00–13:00
        Assert.Equal(TimeSpan.FromMinutes(150), measures.MisleadingTime);
        Assert.Equal(150.0 / 270, measures.MisleadingShare, 6);
        Assert.Contains(measures.Hints, h => h.Contains("identified 2 h 30 min after the first misleading path", StringComparison.Ordinal) && h.Contains("(56 % of the incident)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_timeline_across_midnight_moves_to_the_next_day_and_what_cannot_be_read_is_reported()
    {
        var (incident, problems, _) = Import("overnight-replica-lag.md");

        Assert.Equal("2024-05-10-reporting-replica-fell-behind-overnight", incident.Id); // the day it began
        Assert.Equal(Utc(2024, 5, 10, 23, 40), incident.Timeline[0].At);
        Assert.Equal(Utc(2024, 5, 11, 0, 20), incident.Timeline.Single(e => e.Text.StartsWith("Batch job paused", StringComparison.Ordinal)).At);
        Assert.Equal(Utc(2024, 5, 11, 1, 25), incident.Timeline[^1].At);
        Assert.Equal(0.12, incident.Impact?.UsersShare);
        Assert.Equal(2, incident.Paths.Count); // "the disk theory was ruled out" closes a path, it does not open one
        Assert.Equal((PathOutcome.RuledOut, Utc(2024, 5, 11, 0, 20)), (incident.Paths[0].Outcome, incident.Paths[0].ClosedAt!.Value));
        Assert.Equal(PathOutcome.Confirmed, incident.Paths[1].Outcome);

        var measures = IncidentAnalysis.Analyze(incident);
        Assert.Equal(TimeSpan.FromMinutes(55), measures.TimeToRootCause);  // 23:40 → 00:35
        Assert.Equal(TimeSpan.FromMinutes(60), measures.TimeToMitigate);   // the query cancelled at 00:40
        Assert.Equal(TimeSpan.FromMinutes(105), measures.TimeToResolve);   // 01:25
        Assert.Null(measures.TimeToAcknowledge);
        Assert.Equal(30.0 / 105, measures.MisleadingShare, 6);

        Assert.Equal(2, problems.Count);
        Assert.Equal((16, "Something without a time."), (problems[0].Line, problems[0].Text));
        Assert.StartsWith("no time at the start of the item", problems[0].Reason, StringComparison.Ordinal);
        Assert.Equal((20, "the section \"Notes from the bridge\" is not part of this layout; not read"), (problems[1].Line, problems[1].Reason));
    }

    [Fact]
    public void The_google_sre_template_is_read_with_its_action_item_table_lessons_and_dated_timeline()
    {
        var (incident, problems, layout) = Import("sre-template-search-overload.md");

        Assert.Equal("Google SRE postmortem template", layout);
        Assert.StartsWith("Cascading failure due to combination", incident.RootCause, StringComparison.Ordinal);
        Assert.Equal(["Trigger: Latent bug triggered by sudden increase in traffic."], incident.ContributingFactors);
        Assert.StartsWith("Directed traffic to sacrificial cluster", incident.Resolution, StringComparison.Ordinal);
        Assert.Contains("Detection: Borgmon detected high level of HTTP 500s", incident.Summary, StringComparison.Ordinal);
        Assert.Equal(["Monitoring quickly alerted us to high rate (reaching ~100%) of HTTP 500s"], incident.Lessons.WentWell);
        Assert.Equal(["We're inexperienced at responding to cascading failure"], incident.Lessons.WentWrong);
        Assert.Single(incident.Lessons.Lucky);
        Assert.Equal(
            [("Update playbook with instructions for responding to cascading failure", ActionKind.Mitigate, "jennifer", ActionStatus.Done, (string?)null),
                ("Use flux capacitor to balance load between clusters", ActionKind.Prevent, "martym", ActionStatus.Open, "Bug 5554823"),
                ("Schedule cascading failure test during next DiRT", ActionKind.Process, "docbrown", ActionStatus.Open, null)],
            incident.ActionItems.Select(a => (a.Title, a.Kind, a.Owner!, a.Status, a.Link)));
        Assert.Equal(Utc(2015, 10, 21, 14, 51), incident.Timeline[0].At); // the date from the **Date** line
        Assert.Equal(EntryKind.ImpactStart, incident.Timeline.Single(e => e.Text.StartsWith("OUTAGE BEGINS", StringComparison.Ordinal)).Kind);
        Assert.Equal(EntryKind.Acknowledgement, incident.Timeline.Single(e => e.Text.StartsWith("INCIDENT BEGINS", StringComparison.Ordinal)).Kind);
        Assert.Equal(EntryKind.Note, incident.Timeline[0].Kind); // "a sonnet has been discovered" is news, not a root cause
        Assert.Equal(["the record keeps no authors; not read", "the document's status is not the review's (set that with `incident status`); not read"],
            problems.Select(p => p.Reason));

        var measures = IncidentAnalysis.Analyze(incident);
        Assert.Equal(TimeSpan.FromMinutes(1), measures.TimeToDetect);       // 14:54 outage → 14:55 pager storm
        Assert.Equal(TimeSpan.FromMinutes(7), measures.TimeToAcknowledge);  // 15:01 incident declared
        Assert.Equal(TimeSpan.FromMinutes(34), measures.TimeToRootCause);   // 15:28 the leak found
        Assert.Equal(TimeSpan.FromMinutes(39), measures.TimeToMitigate);    // 15:33 OUTAGE MITIGATED
        Assert.Equal(TimeSpan.FromMinutes(66), measures.TimeToResolve);     // 16:00 OUTAGE ENDS: "down for 66 minutes"
        Assert.Equal(TimeSpan.FromMinutes(25), measures.MisleadingTime);    // the index rollback, 15:03–15:28
        Assert.Equal(25.0 / 66, measures.MisleadingShare, 6);
    }

    [Fact]
    public void Windows_line_endings_give_the_same_record_and_the_same_line_numbers()
    {
        var text = File.ReadAllText(RepositoryFiles.Path("tests", "PoolGuard.Tests", "Incidents", "Fixtures", "overnight-replica-lag.md"));
        var unix = PostmortemImporter.Import(text, new ImportOptions());
        var windows = PostmortemImporter.Import(text.ReplaceLineEndings("\r\n"), new ImportOptions());

        Assert.Equal(unix.Incident.Timeline, windows.Incident.Timeline);
        Assert.Equal(unix.Problems, windows.Problems);
    }

    [Fact]
    public void A_time_zone_moves_every_time_to_utc()
    {
        var incident = Import("unlimited-pool-outage.md", new ImportOptions { TimeZone = "Europe/Berlin" }).Incident;

        Assert.Equal(Utc(2024, 3, 2, 9, 0), incident.Timeline[0].At); // 10:00 CET
        Assert.Equal("Europe/Berlin", incident.TimeZone);
        Assert.Throws<IncidentImportException>(() => Import("unlimited-pool-outage.md", new ImportOptions { TimeZone = "Mars/Olympus" }));
    }

    [Fact]
    public void A_document_without_a_date_or_a_timeline_is_refused_with_what_to_do()
    {
        var undated = Assert.Throws<IncidentImportException>(() => PostmortemImporter.Import("# Outage\n\n## Timeline\n\n- **10:00**: alert fired\n", new ImportOptions()));
        Assert.Contains("--date", undated.Message, StringComparison.Ordinal);
        var dated = PostmortemImporter.Import("# Outage\n\n## Timeline\n\n- **10:00**: alert fired\n", new ImportOptions { Date = new DateOnly(2025, 1, 2) });
        Assert.Equal(Utc(2025, 1, 2, 10, 0), dated.Incident.Timeline[0].At);
        Assert.Contains("no timeline", Assert.Throws<IncidentImportException>(() => PostmortemImporter.Import("# Outage\n\nAll fine.\n", new ImportOptions())).Message, StringComparison.Ordinal);
    }
}
