using PoolGuard.Incidents.Analysis;
using PoolGuard.Incidents.Model;

namespace PoolGuard.Tests.Incidents;

/// <summary>`incident stats`: records oldest first, and each measure's median over the earlier and the later half.</summary>
public sealed class IncidentTrendTests
{
    private static Incident Record(string id, DateTimeOffset start, int detectMinutes, int resolveMinutes) => new(id, id)
    {
        Timeline =
        [
            new TimelineEntry(start, EntryKind.ImpactStart, "errors began"),
            new TimelineEntry(start.AddMinutes(detectMinutes), EntryKind.Alert, "alert"),
            new TimelineEntry(start.AddMinutes(resolveMinutes), EntryKind.Resolution, "resolved"),
        ],
    };

    [Fact]
    public void Medians_of_the_earlier_and_later_halves_show_which_way_each_measure_moved()
    {
        var t = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var (rows, trends) = IncidentTrend.Of(
        [
            Record("d", t.AddDays(90), 4, 40), Record("a", t, 30, 300), Record("c", t.AddDays(60), 6, 50), Record("b", t.AddDays(30), 20, 100),
            new Incident("empty", "no timeline"),
        ]);

        Assert.Equal(["a", "b", "c", "d"], rows.Select(r => r.Id)); // oldest first, the empty record left out
        var detect = trends.Single(m => m.Measure == "time to detect");
        Assert.Equal((TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(5), 4), (detect.Earlier!.Value, detect.Later!.Value, detect.Values)); // (30+20)/2, (6+4)/2
        var resolve = trends.Single(m => m.Measure == "time to resolve");
        Assert.Equal((TimeSpan.FromMinutes(200), TimeSpan.FromMinutes(45)), (resolve.Earlier!.Value, resolve.Later!.Value));
        Assert.Null(trends.Single(m => m.Measure == "time to acknowledge").Earlier);
    }
}
