using PoolGuard.Incidents.Analysis;
using PoolGuard.Incidents.Model;

namespace PoolGuard.Tests.Incidents;

/// <summary>The analysis on records built by hand: overlapping paths counted once, and a PoolGuard signal that predates a misleading path.</summary>
public sealed class IncidentAnalysisTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Overlapping_misleading_paths_count_their_common_minutes_once()
    {
        var incident = new Incident("i", "overlap")
        {
            Timeline = [new TimelineEntry(T0, EntryKind.ImpactStart, "errors began"), new TimelineEntry(T0.AddMinutes(100), EntryKind.Resolution, "resolved")],
            Paths =
            [
                new InvestigationPath("P1", "network", T0.AddMinutes(10)) { ClosedAt = T0.AddMinutes(40), Outcome = PathOutcome.RuledOut },
                new InvestigationPath("P2", "disk", T0.AddMinutes(30)) { ClosedAt = T0.AddMinutes(50), Outcome = PathOutcome.RuledOut },
                new InvestigationPath("P3", "cache", T0.AddMinutes(70)) { Outcome = PathOutcome.RuledOut }, // never closed: until the end
            ],
        };

        var measures = IncidentAnalysis.Analyze(incident);

        Assert.Equal(TimeSpan.FromMinutes(40 + 30), measures.MisleadingTime); // 10–50 and 70–100
        Assert.Equal(0.7, measures.MisleadingShare, 6);
        Assert.Contains(measures.Hints, h => h.StartsWith("no path was confirmed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_poolguard_signal_before_a_misleading_path_is_named_with_how_much_earlier_it_was()
    {
        var incident = new Incident("i", "exhaustion")
        {
            TimeZone = "Europe/Berlin",
            Timeline =
            [
                new TimelineEntry(T0, EntryKind.Alert, "pool app/app saturated: 20 clients waiting") { Source = IncidentAnalysis.PoolGuardSource },
                new TimelineEntry(T0.AddMinutes(25), EntryKind.Hypothesis, "suspected a DDoS"),
                new TimelineEntry(T0.AddMinutes(60), EntryKind.Resolution, "restored"),
            ],
            Paths =
            [
                new InvestigationPath("P1", "suspected a DDoS", T0.AddMinutes(25)) { ClosedAt = T0.AddMinutes(45), Outcome = PathOutcome.RuledOut },
                new InvestigationPath("P2", "pool exhausted", T0.AddMinutes(45)) { ClosedAt = T0.AddMinutes(45), Outcome = PathOutcome.Confirmed },
            ],
        };

        var measures = IncidentAnalysis.Analyze(incident);

        Assert.Contains("the signal that could have ruled out \"suspected a DDoS\" was available 25 min before the path was opened: "
            + "PoolGuard's \"pool app/app saturated: 20 clients waiting\" at 10:00 Europe/Berlin", measures.Hints);
        Assert.Equal(TimeSpan.FromMinutes(45), measures.TimeToRootCause);
        Assert.Equal(TimeSpan.Zero, measures.TimeToDetect);
    }
}
