using System.Globalization;
using System.Text.Json;
using Npgsql;
using PoolGuard.LoadTest.Report;
using PoolGuard.LoadTest.Results;
using PoolGuard.LoadTest.Running;
using PoolGuard.LoadTest.Sweep;
using PoolGuard.LoadTest.Workloads;

namespace PoolGuard.Cli;

/// <summary>
/// `loadtest --sweep-pool-size`: the sweep's lines as it goes, its table and recommendation, --json and --report.
/// Exit code 0 with a recommendation and every threshold holding at it, 1 when no size kept within the limits or a
/// threshold failed there; a refused SET or an unreachable admin endpoint is a setup error (2) before any load.
/// </summary>
internal static class LoadTestSweep
{
    public static async Task<int> RunAsync(IWorkload workload, NpgsqlDataSource dataSource, string endpoint, PoolSweepPlan plan,
        IReadOnlyList<Threshold> thresholds, Outputs outputs, bool quiet, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"poolguard loadtest --sweep-pool-size: {workload.Name} on {endpoint}, {plan.Clients} client(s), pool {string.Join(", ", plan.Sizes)} in turn through {plan.Admin.Root}, {plan.StepDuration.TotalSeconds} s each"));
        PoolSweepResult sweep;
        await using (var progress = LoadProgress.Create(quiet, $"{workload.Name} on {endpoint}, pool-size sweep", plan.Sizes.Count * (plan.Warmup + plan.StepDuration).TotalSeconds,
            perSecondLines: false))
        {
            var number = 0;
            sweep = await PoolSizeSweep.RunAsync(workload, dataSource, endpoint, plan, new StepProgress<PoolSizeStep>(
                size => progress.Stage($"default_pool_size = {size}, size {++number} of {plan.Sizes.Count}, {plan.Clients} client(s)"), progress.Point,
                step => progress.StepDone(LoadTestText.SweepStep(step))), cancellationToken).ConfigureAwait(false);
        }
        var verdicts = LoadTestCommand.Verdicts(thresholds, (sweep.Recommended ?? sweep.Best).Result);
        Console.Out.Write(LoadTestText.Sweep(sweep, verdicts));
        await outputs.WriteAsync(() => JsonSerializer.Serialize(Document(sweep, verdicts), LoadTestJsonContext.Default.SweepDocument),
            () => HtmlReport.ForSweep(sweep, verdicts), cancellationToken).ConfigureAwait(false);
        return sweep.Recommended is not null && verdicts.All(v => v.Passed) ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static SweepDocument Document(PoolSweepResult sweep, IReadOnlyList<ThresholdVerdict> verdicts) =>
        new(sweep.Recommended?.PoolSize, sweep.Best.PoolSize, sweep.Best.Result.Tps, sweep.P99LimitMs, sweep.Explanation, sweep.RestoredTo,
            [.. sweep.Steps.Select(s => new SweepStepDocument(s.PoolSize, Finite(s.ServersBusy), Finite(s.ServerMs), Finite(s.WaitMs), Finite(s.SampledBusy), s.Result))], verdicts);

    /// <summary>JSON has no NaN: a figure not measured (no gateway sample) is null.</summary>
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
