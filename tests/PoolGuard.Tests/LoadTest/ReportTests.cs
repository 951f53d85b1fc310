using PoolGuard.LoadTest.Report;
using PoolGuard.LoadTest.Results;
using PoolGuard.LoadTest.Sampling;

namespace PoolGuard.Tests.LoadTest;

/// <summary>What the report and the samplers read and write, without a database: the exposition, the page's escaping, gaps.</summary>
public sealed class ReportTests
{
    [Fact]
    public void Metrics_families_are_summed_over_pools_and_the_longest_wait_is_the_largest()
    {
        const string text = """
            # HELP pgbouncer_pools_client_waiting_connections Clients waiting
            # TYPE pgbouncer_pools_client_waiting_connections gauge
            pgbouncer_pools_client_waiting_connections{database="app",user="a b"} 5
            pgbouncer_pools_client_waiting_connections{database="shop {x}",user="c"} 2 1733300000000
            pgbouncer_pools_client_maxwait_seconds{database="app",user="a"} 1.5
            pgbouncer_pools_client_maxwait_seconds{database="shop",user="c"} 0.25
            pgbouncer_pools_client_active_connections{database="app"} NaN
            pgbouncer_pools_server_idle_connections not-a-number
            pgbouncer_up 1
            """;
        var totals = MetricsExposition.Aggregate(text,
            new HashSet<string> { "pgbouncer_pools_client_waiting_connections", "pgbouncer_pools_client_maxwait_seconds", "pgbouncer_pools_client_active_connections", "pgbouncer_pools_server_idle_connections" },
            new HashSet<string> { "pgbouncer_pools_client_maxwait_seconds" });

        Assert.Equal(7, totals["pgbouncer_pools_client_waiting_connections"]);
        Assert.Equal(1.5, totals["pgbouncer_pools_client_maxwait_seconds"]);
        Assert.False(totals.ContainsKey("pgbouncer_pools_client_active_connections")); // NaN is no reading
        Assert.False(totals.ContainsKey("pgbouncer_pools_server_idle_connections"));
        Assert.False(totals.ContainsKey("pgbouncer_up")); // not asked for
    }

    [Fact]
    public void The_page_escapes_what_the_run_was_named_and_shows_a_missed_sample_as_a_gap()
    {
        var result = new LoadTestResult
        {
            Workload = "<script>alert(1)</script>.sql", Model = "closed", Endpoint = "db:5432/a&b as app", StartedAt = DateTimeOffset.UnixEpoch,
            Clients = 2, DurationSeconds = 2, Transactions = 10, Tps = 5, Latency = new Percentiles(1, 2, 3, 4, 5),
            Intervals =
            [
                new IntervalResult(1, 5, 5, new Percentiles(1, 2, 3, 4, 5), 0, 2, 0) { Resources = new Dictionary<string, double> { [ResourceNames.DatabaseConnections] = 7 } },
                new IntervalResult(2, 5, 5, new Percentiles(1, 2, 3, 4, 5), 1, 2, 0),
            ],
        };

        var html = HtmlReport.ForRun(result, [new ThresholdVerdict("p99<3ms", 4, false)]);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase); // self-contained and inert
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;.sql on db:5432/a&amp;b as app", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"failed\">FAILED</td>", html, StringComparison.Ordinal);
        Assert.Contains("<figure id=\"database\"", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>2</td><td>–</td>", html, StringComparison.Ordinal); // the second second's sample failed
        Assert.DoesNotContain("<figure id=\"gateway\"", html, StringComparison.Ordinal); // nothing sampled there: no empty chart
        Assert.Equal(4, html.Split("<svg role=\"img\"").Length - 1);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/", "", StringComparison.Ordinal), StringComparison.Ordinal); // nothing fetched
    }
}
