using System.Text.Json;
using PoolGuard.Incidents.Drafting;
using PoolGuard.Incidents.Markdown;
using PoolGuard.Incidents.Model;
using PoolGuard.Incidents.Store;

namespace PoolGuard.Tests.Incidents;

/// <summary>import → export → import gives the same record, field for field, and exporting it again gives the same text.</summary>
public sealed class RoundTripTests
{
    private static string Json(Incident incident) => JsonSerializer.Serialize(incident, IncidentJson.Default.Incident);

    private static void AssertRoundTrip(Incident incident)
    {
        var markdown = PostmortemExporter.Export(incident);
        var (again, problems, _) = PostmortemImporter.Import(markdown, new ImportOptions());

        Assert.Empty(problems);
        Assert.Equal(Json(incident), Json(again));
        Assert.Equal(markdown, PostmortemExporter.Export(again));
    }

    [Theory]
    [InlineData("unlimited-pool-outage.md")]
    [InlineData("overnight-replica-lag.md")]
    [InlineData("sre-template-search-overload.md")]
    public void An_imported_postmortem_survives_export_and_import(string fixture) =>
        AssertRoundTrip(PostmortemImporter.Import(File.ReadAllText(RepositoryFiles.Path("tests", "PoolGuard.Tests", "Incidents", "Fixtures", fixture)), new ImportOptions()).Incident);

    [Fact]
    public void A_record_with_everything_the_import_cannot_guess_survives_too()
    {
        var at = new DateTimeOffset(2026, 3, 29, 0, 30, 15, 250, TimeSpan.Zero); // the night Berlin's clocks go forward
        var drafted = EventDraft.FromLines(
            ["""{"seq":9,"time":"2026-03-29T00:30:15.2500000Z","kind":"pool_saturated","pool":"app/app","detail":"all 5 of 5 servers busy -->","numbers":{"pool_size":5}}"""],
            new DraftOptions()).Incident;
        var incident = drafted with
        {
            Title = "A record built by hand",
            Severity = "SEV3",
            Status = IncidentStatus.InReview,
            TimeZone = "Europe/Berlin",
            Impact = new Impact("checkout slow") { UsersShare = 0.125, Duration = TimeSpan.FromMinutes(75) },
            Summary = "Slow for a while.",
            ContributingFactors = ["no pool limit", "a retry storm"],
            Lessons = new Lessons(["the alert fired at once"], ["we suspected the network"], ["it was a Sunday"]),
            ActionItems = [new ActionItem("Cap the pool", ActionKind.Prevent) { Owner = "ana", Due = new DateOnly(2026, 4, 1), Link = "https://tracker.example/T-1", Status = ActionStatus.Done }],
            Timeline = [.. drafted.Timeline, new TimelineEntry(at.AddMinutes(40), EntryKind.Hypothesis, "maybe the network? <not sure>") { PathId = "P1" },
                new TimelineEntry(at.AddHours(2), EntryKind.Note, "a note nobody classified") { Source = null }],
            Paths = [new InvestigationPath("P1", "maybe the network? <not sure>", at.AddMinutes(40))], // still open
        };

        AssertRoundTrip(incident);
        Assert.Contains("- **2026-03-29 01:30:15**: app/app: pool saturated", PostmortemExporter.Export(incident), StringComparison.Ordinal); // CET
        Assert.Contains("- **2026-03-29 04:30:15**: a note nobody classified", PostmortemExporter.Export(incident), StringComparison.Ordinal); // CEST
    }
}
