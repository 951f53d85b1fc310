using System.Text.Json;
using PoolGuard.Incidents.Model;
using PoolGuard.Incidents.Store;

namespace PoolGuard.IntegrationTests.Incidents;

/// <summary>
/// What every incident store must do, run against each: SQLite (a file of the test's own) and PostgreSQL (a scratch
/// database on the sandbox). A record comes back field for field; a second save replaces it; the list is newest first.
/// </summary>
public abstract class IncidentStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 8, 0, 0, 125, TimeSpan.Zero);

    /// <summary>A fresh, empty store; skips when the store's server is not there.</summary>
    protected abstract Task<IIncidentStore> CreateAsync();

    private static Incident Record(string id, DateTimeOffset start) => new(id, $"incident {id}")
    {
        Severity = "SEV1",
        Status = IncidentStatus.InReview,
        TimeZone = "America/New_York",
        Impact = new Impact("checkout down for 12.5 % of users") { UsersShare = 0.125, Duration = TimeSpan.FromMinutes(42) },
        Summary = "Ünïcode, \"quotes\" and <angles> survive",
        RootCause = "an unlimited pool",
        ContributingFactors = ["a surge"],
        Lessons = new Lessons(["alert fired"], ["DDoS theory"], ["low traffic"]),
        ActionItems = [new ActionItem("cap pools", ActionKind.Prevent) { Owner = "ops", Due = new DateOnly(2026, 7, 1), Link = "https://tracker.example/1" }],
        Timeline =
        [
            new TimelineEntry(start, EntryKind.Alert, "pool saturated") { Source = "poolguard", Evidence = ["event seq 4", "https://grafana.example/d/1"] },
            new TimelineEntry(start.AddMinutes(10), EntryKind.Hypothesis, "DDoS?") { PathId = "P1" },
        ],
        Paths = [new InvestigationPath("P1", "DDoS?", start.AddMinutes(10)) { ClosedAt = start.AddMinutes(20), Outcome = PathOutcome.RuledOut, ClosedBecause = "own traffic" }],
    };

    private static string Json(Incident incident) => JsonSerializer.Serialize(incident, IncidentJson.Default.Incident);

    [SkippableFact]
    public async Task A_record_comes_back_field_for_field_and_a_second_save_replaces_it()
    {
        var store = await CreateAsync();
        var record = Record("r1", T0);

        await store.SaveAsync(record, CancellationToken.None);
        Assert.Equal(Json(record), Json((await store.GetAsync("r1", CancellationToken.None))!));

        await store.SaveAsync(record with { Status = IncidentStatus.Reviewed, Title = "renamed" }, CancellationToken.None);
        var listed = Assert.Single(await store.ListAsync(CancellationToken.None));
        Assert.Equal(("r1", "renamed", IncidentStatus.Reviewed, T0), (listed.Id, listed.Title, listed.Status, listed.StartedAt!.Value));
        Assert.Null(await store.GetAsync("r2", CancellationToken.None));
    }

    [SkippableFact]
    public async Task The_list_has_the_most_recent_incident_first_and_a_record_without_a_timeline_last()
    {
        var store = await CreateAsync();
        await store.SaveAsync(Record("old", T0), CancellationToken.None);
        await store.SaveAsync(new Incident("empty", "not started"), CancellationToken.None);
        await store.SaveAsync(Record("new", T0.AddDays(3)), CancellationToken.None);

        Assert.Equal(["new", "old", "empty"], (await store.ListAsync(CancellationToken.None)).Select(i => i.Id));
    }
}
