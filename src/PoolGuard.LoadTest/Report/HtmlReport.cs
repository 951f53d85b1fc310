using System.Globalization;
using System.Net;
using System.Text;
using PoolGuard.LoadTest.Results;
using PoolGuard.LoadTest.Running;
using PoolGuard.LoadTest.Sweep;

namespace PoolGuard.LoadTest.Report;

/// <summary>
/// `loadtest --report FILE.html`: one self-contained page — no script, no stylesheet or font fetched from anywhere —
/// so it can be attached to a ticket or kept as a CI artefact and still open years later. The totals and thresholds
/// first, then each chart with its numbers as a table beneath it.
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        :root { color-scheme: light dark; --fg: #1b1b1b; --bg: #fafafa; --card: #fff; --line: #ddd; --ok: #1a7f37; --bad: #cf222e; }
        @media (prefers-color-scheme: dark) { :root { --fg: #e6e6e6; --bg: #16181c; --card: #202328; --line: #3a3d42; --ok: #3fb950; --bad: #f85149; } }
        body { font: 15px/1.45 system-ui, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; padding: 1.5rem; max-width: 1040px; }
        h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; }
        .meta { color: gray; margin: 0 0 1rem; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .75rem; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .6rem .8rem; }
        .card b { display: block; font-size: 1.35rem; } .card span { color: gray; font-size: .85rem; }
        table { border-collapse: collapse; width: 100%; background: var(--card); font-variant-numeric: tabular-nums; }
        th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: right; } th:first-child, td:first-child { text-align: left; }
        .passed { color: var(--ok); font-weight: 600; } .failed { color: var(--bad); font-weight: 600; }
        figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .5rem; }
        figure svg { width: 100%; height: auto; display: block; }
        details { margin: .4rem 0 0; } details table { font-size: .85rem; }
        footer { color: gray; margin-top: 2rem; font-size: .85rem; }
        """;

    public static string ForRun(LoadTestResult result, IReadOnlyList<ThresholdVerdict> verdicts) =>
        Page(result, verdicts, null, RunCharts.Of(result.Intervals));

    /// <summary>A knee search: the knee first, then every step's seconds one after another, so the staircase shows.</summary>
    public static string ForKnee(KneeResult knee, IReadOnlyList<ThresholdVerdict> verdicts)
    {
        var search = new Search($"knee search over {string.Join(", ", knee.Steps.Select(s => s.Clients))} clients", knee.Steps.Sum(s => s.Result.DurationSeconds),
            "at the knee", (knee.Knee.Clients.ToString(CultureInfo.InvariantCulture), "clients at the knee"), "Knee", [$"Stopped: {knee.StoppedBecause}.", $"{knee.Explanation}."]);
        return Page(knee.Knee.Result, verdicts, search, [RunCharts.Knee(knee), .. RunCharts.Of(OneAfterAnother(knee.Steps.Select(s => s.Result)))]);
    }

    /// <summary>A pool-size sweep: throughput and p99 against the pool size with the recommendation marked, then the steps' seconds.</summary>
    public static string ForSweep(PoolSweepResult sweep, IReadOnlyList<ThresholdVerdict> verdicts)
    {
        var chosen = sweep.Recommended ?? sweep.Best;
        var search = new Search($"pool-size sweep over {string.Join(", ", sweep.Steps.Select(s => s.PoolSize))} at {chosen.Result.Clients} client(s)",
            sweep.Steps.Sum(s => s.Result.DurationSeconds), sweep.Recommended is null ? "at the fastest size" : "at the recommended size",
            (sweep.Recommended?.PoolSize.ToString(CultureInfo.InvariantCulture) ?? "none", "recommended pool size"), "Pool size",
            [sweep.Recommended is null ? "No pool size stayed within the limits." : $"Recommended: default_pool_size = {sweep.Recommended.PoolSize}.", $"{sweep.Explanation}.",
                $"default_pool_size was put back to {sweep.RestoredTo} after the sweep."]);
        return Page(chosen.Result, verdicts, search, [RunCharts.PoolSizes(sweep), .. RunCharts.Of(OneAfterAnother(sweep.Steps.Select(s => s.Result)))]);
    }

    /// <summary>The steps' one-second points end to end on one time axis.</summary>
    private static List<IntervalResult> OneAfterAnother(IEnumerable<LoadTestResult> steps)
    {
        var series = new List<IntervalResult>();
        var offset = 0.0;
        foreach (var step in steps)
        {
            series.AddRange(step.Intervals.Select(p => p with { At = Math.Round(offset + p.At, 3) }));
            offset += step.DurationSeconds;
        }
        return series;
    }

    /// <summary>A search over steps (knee, pool sizes): how it is described, the card it adds, its section of text.</summary>
    private sealed record Search(string Model, double Seconds, string Where, (string Value, string Label) Card, string Heading, IReadOnlyList<string> Paragraphs);

    private static string Page(LoadTestResult result, IReadOnlyList<ThresholdVerdict> verdicts, Search? search, IReadOnlyList<Chart> charts)
    {
        var html = new StringBuilder(64 * 1024);
        var title = $"Load test: {result.Workload} on {result.Endpoint}";
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>").Append(E(title)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n");
        html.Append("<header>\n<h1>").Append(E(title)).Append("</h1>\n<p class=\"meta\">").Append(E(Describe(result, search))).Append("</p>\n</header>\n<main>\n");
        Cards(html, result, search);
        Verdicts(html, verdicts, search?.Where);
        if (search is not null)
        {
            html.Append("<h2>").Append(E(search.Heading)).Append("</h2>\n");
            foreach (var paragraph in search.Paragraphs)
            {
                html.Append("<p>").Append(E(paragraph)).Append("</p>\n");
            }
        }
        foreach (var chart in charts)
        {
            Figure(html, chart);
        }
        Samplers(html, result);
        html.Append("</main>\n<footer>Written by poolguard loadtest at ").Append(E(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)))
            .Append(". Latency counts from each transaction's intended start").Append(result.Rate is null ? " (closed model: when the client was free)" : " (open model: the arrival's scheduled time, so queueing shows)")
            .Append(".</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Describe(LoadTestResult result, Search? search)
    {
        var model = search is not null ? search.Model
            : result.Rate is { } rate ? $"open model at {N(rate)} arrivals/s, at most {result.Clients} in flight" : $"closed model, {result.Clients} client(s)";
        var seconds = search?.Seconds ?? result.DurationSeconds;
        return $"{model}; {N(seconds)} s measured; started {result.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC";
    }

    private static void Cards(StringBuilder html, LoadTestResult result, Search? search)
    {
        var where = search is null ? "" : " " + search.Where;
        html.Append("<section class=\"cards\" aria-label=\"totals\">\n");
        Card(html, N(result.Tps), "transactions per second" + where);
        Card(html, result.Transactions.ToString("N0", CultureInfo.InvariantCulture), "transactions" + where);
        Card(html, $"{N(result.Latency.P50)} ms", "p50 latency");
        Card(html, $"{N(result.Latency.P95)} ms", "p95 latency");
        Card(html, $"{N(result.Latency.P99)} ms", "p99 latency");
        Card(html, $"{N(result.Latency.Max)} ms", "max latency");
        var codes = string.Join(", ", result.ErrorsByCode.OrderByDescending(e => e.Value).Select(e => $"{e.Key} × {e.Value}"));
        Card(html, $"{result.Errors} ({N(result.ErrorRate)} %)", codes.Length > 0 ? $"errors: {codes}" : "errors");
        if (result.Rate is not null)
        {
            Card(html, result.Dropped.ToString(CultureInfo.InvariantCulture), "dropped arrivals");
        }
        if (search is not null)
        {
            Card(html, search.Card.Value, search.Card.Label);
        }
        html.Append("</section>\n");
    }

    private static void Card(StringBuilder html, string value, string label) =>
        html.Append("<div class=\"card\"><b>").Append(E(value)).Append("</b><span>").Append(E(label)).Append("</span></div>\n");

    private static void Verdicts(StringBuilder html, IReadOnlyList<ThresholdVerdict> verdicts, string? where)
    {
        if (verdicts.Count == 0)
        {
            return;
        }
        html.Append("<h2>Thresholds").Append(where is null ? "" : $" ({where})").Append("</h2>\n<table>\n<thead><tr><th>threshold</th><th>measured</th><th>verdict</th></tr></thead>\n<tbody>\n");
        foreach (var verdict in verdicts)
        {
            html.Append("<tr><td>").Append(E(verdict.Threshold)).Append("</td><td>").Append(N(verdict.Measured)).Append("</td><td class=\"")
                .Append(verdict.Passed ? "passed\">passed" : "failed\">FAILED").Append("</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static void Figure(StringBuilder html, Chart chart)
    {
        html.Append("<h2 id=\"").Append(chart.Id).Append("-title\">").Append(E(chart.Title)).Append("</h2>\n<figure id=\"").Append(chart.Id)
            .Append("\" aria-labelledby=\"").Append(chart.Id).Append("-title\">\n").Append(chart.Svg).Append('\n');
        html.Append("<details><summary>The numbers</summary>\n<table>\n<thead><tr>");
        foreach (var column in chart.Table.Columns)
        {
            html.Append("<th>").Append(E(column)).Append("</th>");
        }
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in chart.Table.Rows)
        {
            html.Append("<tr>");
            foreach (var value in row)
            {
                html.Append("<td>").Append(double.IsNaN(value) ? "–" : N(value)).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n</details>\n</figure>\n");
    }

    private static void Samplers(StringBuilder html, LoadTestResult result)
    {
        if (result.Sampled.Count == 0)
        {
            return;
        }
        html.Append("<h2>Sampled beside the load</h2>\n<ul>\n");
        foreach (var sampler in result.Sampled)
        {
            html.Append("<li>").Append(E(sampler.Source)).Append(": ").Append(sampler.Samples).Append(" sample(s)");
            if (sampler.Failures > 0)
            {
                html.Append(", ").Append(sampler.Failures).Append(" failed (last: ").Append(E(sampler.LastError ?? "")).Append(')');
            }
            html.Append("</li>\n");
        }
        html.Append("</ul>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string N(double value) => value.ToString(Math.Abs(value) >= 100 ? "#,0" : "0.###", CultureInfo.InvariantCulture);
}
