using PoolGuard.Monitoring.Diagnosis;
using PoolGuard.Monitoring.Watcher;

namespace PoolGuard.Tests.Monitoring;

/// <summary>The diagnoser as the pure function it is: evidence in, verdict and ranked findings out (the staged causes are in the integration tests).</summary>
public sealed class DiagnoserTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static DatabaseSample Sample(double seconds, int connections, Action<List<LockWait>>? locks = null, SessionRef? longest = null, long sessions = 1000)
    {
        var waits = new List<LockWait>();
        locks?.Invoke(waits);
        return new DatabaseSample
        {
            Database = "app", TakenAt = T0.AddSeconds(seconds), State = SampleState.Up, MaxConnections = 40, SuperuserReservedConnections = 3,
            Connections = connections, ByApplication = [new ConnectionCount("orders-api", connections - 1), new ConnectionCount("poolguard-watcher", 1)],
            ByState = [new ConnectionCount("idle", connections)], LockWaits = waits, LongestQuery = longest, Sessions = sessions,
        };
    }

    private static DiagnosisReport Diagnose(params DatabaseSample[] samples) =>
        Diagnoser.Diagnose(new DiagnosisEvidence { From = T0, To = T0.AddSeconds(5), Database = samples }, ["test"]);

    [Fact]
    public void Nothing_read_cannot_tell()
    {
        var report = Diagnoser.Diagnose(new DiagnosisEvidence { From = T0, To = T0.AddSeconds(5), GatewayError = "cannot read the gateway" }, []);

        Assert.Equal(Health.Unknown, report.Health);
        Assert.Equal("cannot tell: cannot read the gateway", report.Verdict);
        Assert.All(report.Findings, f => Assert.Equal(FindingStatus.NoData, f.Status));
    }

    [Fact]
    public void A_quiet_database_is_healthy_with_every_database_cause_ruled_out_and_the_gateway_ones_without_data()
    {
        var report = Diagnose(Sample(0, 5), Sample(5, 5));

        Assert.Equal(Health.Healthy, report.Health);
        Assert.Equal("healthy: no cause of trouble found", report.Verdict);
        Assert.Equal(FindingStatus.RuledOut, report.Findings.Single(f => f.Cause == Cause.ConnectionExhaustion).Status);
        Assert.Equal("5 of 37 usable connections open (14 %), headroom 32", report.Findings.Single(f => f.Cause == Cause.ConnectionExhaustion).Summary);
        Assert.Equal(FindingStatus.NoData, report.Findings.Single(f => f.Cause == Cause.PoolSaturation).Status);
    }

    [Fact]
    public void A_full_database_is_failing_exhaustion_naming_the_application_and_ranked_first()
    {
        var report = Diagnose(Sample(0, 30), Sample(5, 37));

        Assert.Equal(Health.Failing, report.Health);
        var top = report.Findings[0];
        Assert.Equal((Cause.ConnectionExhaustion, FindingStatus.Confirmed), (top.Cause, top.Status));
        Assert.Equal("database app is out of connections: 37 of 37 usable open; 'orders-api' holds 36 (97 %)", top.Summary);
        Assert.Equal("connection exhaustion: " + top.Summary, report.Verdict);
    }

    [Fact]
    public void The_head_of_a_lock_chain_is_named_and_a_query_waiting_for_a_lock_is_not_a_slow_query()
    {
        var waiter = new SessionRef(11, "checkout", "app", "10.0.0.2", 30);
        var report = Diagnose(Sample(5, 10, w =>
        {
            w.Add(new LockWait(11, [10], 30));
            w.Add(new LockWait(12, [11], 29));
            w.Add(new LockWait(13, [11, 12], 28));
        }, longest: waiter));

        var locks = report.Findings[0];
        Assert.Equal((Cause.LockContention, FindingStatus.Confirmed), (locks.Cause, locks.Status));
        Assert.Equal("3 sessions wait for locks (longest 30 s), blocked by pid 10", locks.Summary);
        Assert.Contains("pid 10 blocks 3 of them", locks.Evidence);
        Assert.Equal(FindingStatus.RuledOut, report.Findings.Single(f => f.Cause == Cause.SlowQueries).Status);
        Assert.Equal(Health.Degraded, report.Health);
    }

    [Fact]
    public void A_storm_of_new_sessions_against_a_quiet_baseline_is_a_possible_surge()
    {
        var evidence = new DiagnosisEvidence
        {
            From = T0, To = T0.AddSeconds(5), Database = [Sample(0, 10, sessions: 5000), Sample(5, 12, sessions: 5400)],
            Baseline = [Sample(-600, 10, sessions: 4400), Sample(-5, 10, sessions: 5000)],
        };

        var surge = Diagnoser.Diagnose(evidence, []).Findings.Single(f => f.Cause == Cause.TrafficSurge);

        Assert.Equal(FindingStatus.Possible, surge.Status);
        Assert.Contains("80 new PostgreSQL sessions/s (baseline 1)", surge.Summary, StringComparison.Ordinal);
    }
}
