using System.Globalization;
using System.Text.RegularExpressions;

namespace PoolGuard.LoadTest.Results;

/// <summary>
/// A pass/fail condition on a result, as k6 writes them: <c>p99&lt;50ms</c>, <c>p95&lt;=0.2s</c>, <c>max&lt;1s</c>,
/// <c>tps&gt;2000</c>, <c>errors&lt;0.1%</c> (a share of attempts), <c>errors&lt;5</c> (a count), <c>dropped==0</c>.
/// </summary>
public sealed partial record Threshold(string Text, string Metric, string Operator, double Value, bool Percent)
{
    public static bool TryParse(string text, out Threshold? threshold, out string? problem)
    {
        threshold = null;
        problem = null;
        var match = Pattern().Match(text.Replace(" ", "", StringComparison.Ordinal));
        if (!match.Success)
        {
            problem = $"'{text}' is not a threshold: write METRIC OP VALUE, e.g. p99<50ms, tps>2000, errors<0.1% (metrics: p50, p90, p95, p99, max, tps, errors, dropped)";
            return false;
        }
        var metric = match.Groups["metric"].Value.ToLowerInvariant();
        var value = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        var unit = match.Groups["unit"].Value.ToLowerInvariant();
        var latency = metric is "p50" or "p90" or "p95" or "p99" or "max";
        var timeUnit = unit is "ms" or "s" or "us" or "µs";
        if ((latency && !timeUnit) || (!latency && timeUnit) || (unit == "%" && metric != "errors"))
        {
            problem = $"'{text}': {(latency ? "a latency takes ms, s or us" : metric == "errors" ? "errors take a count or a %" : $"{metric} takes a plain number")}";
            return false;
        }
        // Latencies are compared in milliseconds.
        value = unit switch { "s" => value * 1000, "us" or "µs" => value / 1000, _ => value };
        threshold = new Threshold(text, metric, match.Groups["op"].Value, value, unit == "%");
        return true;
    }

    /// <summary>The measured value this threshold reads, in its units (ms, per second, count or percent).</summary>
    public double Measure(LoadTestResult result) => Metric switch
    {
        "p50" => result.Latency.P50,
        "p90" => result.Latency.P90,
        "p95" => result.Latency.P95,
        "p99" => result.Latency.P99,
        "max" => result.Latency.Max,
        "tps" => result.Tps,
        "errors" => Percent ? result.ErrorRate : result.Errors,
        "dropped" => result.Dropped,
        _ => double.NaN,
    };

    public bool Passes(LoadTestResult result)
    {
        var measured = Measure(result);
        return Operator switch
        {
            "<" => measured < Value,
            "<=" => measured <= Value,
            ">" => measured > Value,
            ">=" => measured >= Value,
            _ => Math.Abs(measured - Value) < 1e-9,
        };
    }

    [GeneratedRegex(@"^(?<metric>p50|p90|p95|p99|max|tps|errors|dropped)(?<op><=|>=|==|<|>)(?<value>\d+(\.\d+)?)(?<unit>ms|us|µs|s|%)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
