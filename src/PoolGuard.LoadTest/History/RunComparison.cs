namespace PoolGuard.LoadTest.History;

/// <summary>
/// `loadtest compare`: a run against its baseline — the previous run of the same shape (workload, endpoint, load), or
/// a named one. A regression is throughput down, or p99 or the error rate up, by more than the margin.
/// </summary>
public sealed record RunComparison(StoredRun Run, StoredRun Baseline, double MarginPercent)
{
    public double TpsChange => Change(Run.Tps, Baseline.Tps);
    public double P99Change => Change(Run.P99, Baseline.P99);
    public double ErrorRateChange => Run.ErrorRate - Baseline.ErrorRate;

    public IReadOnlyList<string> Regressions
    {
        get
        {
            var found = new List<string>();
            if (TpsChange < -MarginPercent)
            {
                found.Add($"throughput {TpsChange:+0.0;-0.0} % ({Baseline.Tps:0.0} → {Run.Tps:0.0} TPS)");
            }
            if (P99Change > MarginPercent)
            {
                found.Add($"p99 {P99Change:+0.0;-0.0} % ({Baseline.P99:0.000} → {Run.P99:0.000} ms)");
            }
            if (ErrorRateChange > MarginPercent / 100)
            {
                found.Add($"error rate {Baseline.ErrorRate:0.###} % → {Run.ErrorRate:0.###} %");
            }
            return found;
        }
    }

    /// <summary>The baseline for <paramref name="run"/>: the run with id or label <paramref name="baseline"/>, else the latest earlier run of the same shape.</summary>
    public static StoredRun? BaselineFor(StoredRun run, IReadOnlyList<StoredRun> runs, string? baseline) => baseline is null
        ? runs.Where(r => r.Id < run.Id && r.SameShape(run)).MaxBy(r => r.Id)
        : runs.FirstOrDefault(r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == baseline)
            ?? runs.Where(r => r.Label == baseline && r.Id != run.Id).MaxBy(r => r.Id);

    private static double Change(double now, double before) => before == 0 ? 0 : Math.Round((now - before) / before * 100, 1);
}
