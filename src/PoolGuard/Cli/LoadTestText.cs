using System.Globalization;
using System.Text;
using PoolGuard.LoadTest.Results;
using PoolGuard.LoadTest.Running;
using PoolGuard.LoadTest.Sweep;

namespace PoolGuard.Cli;

/// <summary>The live line (one per second, to stderr) and the summary of a load test.</summary>
internal static class LoadTestText
{
    public static string Point(IntervalResult point) => string.Create(CultureInfo.InvariantCulture,
        $"[{point.At,6:0.0}s] {(point.TargetRate is { } target ? $"{target,7:0.#}/s" : $"{point.Clients,4} cl")} {point.Tps,9:0.0} tps  p50 {point.Latency.P50,7:0.000} ms  p95 {point.Latency.P95,7:0.000} ms  p99 {point.Latency.P99,7:0.000} ms  errors {point.Errors}{(point.Dropped > 0 ? $"  dropped {point.Dropped}" : "")}");

    /// <summary>What the run will do, before it starts: the model, the clients or rate (or the ramp), how long.</summary>
    public static string Plan(LoadPlan plan)
    {
        var load = plan.Schedule is { } course
            ? $"{(plan.Rate is null ? "clients" : "arrivals/s")} from {N(course.Initial)} through {string.Join(", ", course.Stages.Select(s => $"{N(s.Duration.TotalSeconds)} s → {N(s.Target)}"))}"
                + (plan.Rate is null ? "" : $", at most {plan.Clients} in flight")
            : plan.Rate is { } rate ? $"open model at {N(rate)}/s with at most {plan.Clients} in flight" : $"{plan.Clients} client(s)";
        return $"{load} for {N(plan.Duration.TotalSeconds)} s{(plan.Warmup > TimeSpan.Zero ? $" after {N(plan.Warmup.TotalSeconds)} s unmeasured" : "")}";
    }

    private static string N(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Step(KneeStep step) => string.Create(CultureInfo.InvariantCulture,
        $"{step.Clients,5} client(s) {step.Result.Tps,10:0.0} tps  p50 {step.Result.Latency.P50,8:0.000} ms  p99 {step.Result.Latency.P99,8:0.000} ms  in flight {step.InFlight,6:0.00}  errors {step.Result.Errors}");

    public static string Knee(KneeResult knee, IReadOnlyList<ThresholdVerdict> verdicts)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{knee.Knee.Result.Workload} on {knee.Knee.Result.Endpoint}: knee at {knee.Knee.Clients} client(s)\n");
        text.Append("  clients        tps      p50 ms      p99 ms  in flight  errors\n");
        foreach (var step in knee.Steps)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"  {step.Clients,7} {step.Result.Tps,10:0.0} {step.Result.Latency.P50,11:0.000} {step.Result.Latency.P99,11:0.000} {step.InFlight,10:0.00} {step.Result.Errors,7}{(step == knee.Knee ? "  ← knee" : "")}\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"  stopped: {knee.StoppedBecause}\n  {knee.Explanation}\n");
        foreach (var (threshold, measured, passed) in verdicts)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {(passed ? "ok    " : "FAILED")} {threshold} at the knee (measured {measured:0.###})\n");
        }
        return text.ToString();
    }

    public static string SweepStep(PoolSizeStep step) => string.Create(CultureInfo.InvariantCulture,
        $"  pool {step.PoolSize,4} {step.Result.Tps,10:0.0} tps  p50 {step.Result.Latency.P50,8:0.000} ms  p99 {step.Result.Latency.P99,8:0.000} ms  servers busy {F(step.ServersBusy),6}  errors {step.Result.Errors}");

    public static string Sweep(PoolSweepResult sweep, IReadOnlyList<ThresholdVerdict> verdicts)
    {
        var first = sweep.Steps[0].Result;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{first.Workload} on {first.Endpoint}, {first.Clients} client(s): ");
        text.Append(sweep.Recommended is { } chosen ? $"pool size {chosen.PoolSize} recommended\n" : $"no pool size kept p99 under {N(sweep.P99LimitMs)} ms without errors\n");
        text.Append("  pool        tps      p50 ms      p99 ms  servers busy  server ms   wait ms  errors\n");
        foreach (var step in sweep.Steps)
        {
            var mark = step == sweep.Recommended ? "  ← recommended" : step == sweep.Best ? "  ← best"
                : step.Result.Errors > 0 ? "  (errors)" : step.Result.Latency.P99 > sweep.P99LimitMs ? $"  (p99 over {N(sweep.P99LimitMs)} ms)" : "";
            text.Append(CultureInfo.InvariantCulture,
                $"  {step.PoolSize,4} {step.Result.Tps,10:0.0} {step.Result.Latency.P50,11:0.000} {step.Result.Latency.P99,11:0.000} {F(step.ServersBusy),13} {F(step.ServerMs),10} {F(step.WaitMs),9} {step.Result.Errors,7}{mark}\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"  {sweep.Explanation}\n  default_pool_size put back to {sweep.RestoredTo}\n");
        foreach (var (threshold, measured, passed) in verdicts)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {(passed ? "ok    " : "FAILED")} {threshold} at pool {(sweep.Recommended ?? sweep.Best).PoolSize} (measured {measured:0.###})\n");
        }
        return text.ToString();
    }

    /// <summary>A figure Little's law gave, or "–" when the gateway was not sampled.</summary>
    private static string F(double value) => double.IsFinite(value) ? value.ToString("0.00", CultureInfo.InvariantCulture) : "–";

    public static string Summary(LoadTestResult result, IReadOnlyList<ThresholdVerdict> verdicts)
    {
        var text = new StringBuilder();
        var model = result.Rate is { } rate ? $"open model, {rate} arrivals/s, at most {result.Clients} in flight" : $"closed model, {result.Clients} client(s)";
        text.Append(CultureInfo.InvariantCulture, $"{result.Workload} on {result.Endpoint} ({model}), {result.DurationSeconds:0.0} s\n");
        text.Append(CultureInfo.InvariantCulture, $"  transactions  {result.Transactions}  ({result.Tps:0.0} per second)\n");
        text.Append(CultureInfo.InvariantCulture,
            $"  latency       p50 {result.Latency.P50:0.000} ms  p90 {result.Latency.P90:0.000} ms  p95 {result.Latency.P95:0.000} ms  p99 {result.Latency.P99:0.000} ms  max {result.Latency.Max:0.000} ms\n");
        var codes = string.Join(", ", result.ErrorsByCode.OrderByDescending(e => e.Value).Select(e => $"{e.Key} × {e.Value}"));
        text.Append(CultureInfo.InvariantCulture, $"  errors        {result.Errors} ({result.ErrorRate:0.###} %){(codes.Length > 0 ? $": {codes}" : "")}\n");
        if (result.Rate is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"  dropped       {result.Dropped} arrival(s) found every client busy\n");
        }
        foreach (var (threshold, measured, passed) in verdicts)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {(passed ? "ok    " : "FAILED")} {threshold} (measured {measured:0.###})\n");
        }
        return text.ToString();
    }
}
