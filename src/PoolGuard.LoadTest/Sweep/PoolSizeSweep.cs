using System.Globalization;
using Npgsql;
using PoolGuard.LoadTest.Running;
using PoolGuard.LoadTest.Sampling;
using PoolGuard.LoadTest.Workloads;

namespace PoolGuard.LoadTest.Sweep;

/// <summary>What a sweep needs besides the load: the gateway's admin endpoint, the pool the load lands in, the sizes to try.</summary>
/// <param name="Database">the pool's database as the gateway names it (the connection's database).</param>
/// <param name="User">the pool's user (the connection's user).</param>
public sealed record PoolSweepPlan(GatewayAdmin Admin, string Database, string User, IReadOnlyList<int> Sizes, int Clients, TimeSpan StepDuration,
    TimeSpan Warmup, double P99LimitMs, IReadOnlyList<IResourceSampler> Samplers);

/// <summary>
/// `loadtest --sweep-pool-size`: the same closed-model load (--clients) once per pool size, the size turned live on a
/// running PoolGuard through its admin endpoint (the console's SET default_pool_size), and put back afterwards, however
/// the sweep ends. The answer is the smallest pool that gives nearly the best throughput (<see cref="EnoughOfBest"/>)
/// without errors and with p99 under the limit: a bigger pool only costs the database connections.
/// </summary>
public static class PoolSizeSweep
{
    /// <summary>A size within 5 % of the best throughput is as good: the difference is noise on a shared machine.</summary>
    public const double EnoughOfBest = 0.95;

    /// <param name="progress">told of each size before it is measured, of each second, and of each size's result.</param>
    public static async Task<PoolSweepResult> RunAsync(IWorkload workload, NpgsqlDataSource dataSource, string endpoint, PoolSweepPlan plan,
        StepProgress<PoolSizeStep>? progress, CancellationToken cancellationToken)
    {
        // The pool exists once a client has connected through the gateway; this one stays open, so it does not go away.
        await using var holder = await OpenAsync(dataSource, endpoint, cancellationToken).ConfigureAwait(false);
        if (await plan.Admin.PoolSizeAsync(plan.Database, plan.User, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new LoadTestSetupException($"{plan.Admin.Root} has no pool {plan.Database}/{plan.User} although a client is connected: is --gateway the admin endpoint of the PoolGuard behind --connection?");
        }
        var original = await plan.Admin.SetDefaultPoolSizeAsync(plan.Sizes[0], cancellationToken).ConfigureAwait(false);
        var steps = new List<PoolSizeStep>();
        try
        {
            foreach (var size in plan.Sizes)
            {
                await plan.Admin.SetDefaultPoolSizeAsync(size, cancellationToken).ConfigureAwait(false);
                var actual = await plan.Admin.PoolSizeAsync(plan.Database, plan.User, cancellationToken).ConfigureAwait(false);
                if (actual != size)
                {
                    throw new LoadTestSetupException($"SET default_pool_size = {size} left the pool {plan.Database}/{plan.User} at {actual?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}: "
                        + "its size is set for its database or user (pool_size in [databases] or [users]), which the sweep does not turn");
                }
                progress?.Starting?.Invoke(size);
                var result = await LoadRunner.RunAsync(workload, dataSource, new LoadPlan(endpoint, plan.Clients, plan.StepDuration)
                {
                    Warmup = plan.Warmup,
                    Samplers = plan.Samplers,
                }, progress?.Interval, cancellationToken).ConfigureAwait(false);
                var step = new PoolSizeStep(size, result);
                steps.Add(step);
                progress?.Done?.Invoke(step);
            }
        }
        finally
        {
            // Put back what was there even when the sweep is cancelled or fails: the gateway serves real traffic after it.
            await plan.Admin.SetDefaultPoolSizeAsync(original, CancellationToken.None).ConfigureAwait(false);
        }
        return Choose(steps, plan.P99LimitMs, plan.Clients, original);
    }

    /// <summary>The best and the recommended size of measured steps, and why, in Little's law terms.</summary>
    public static PoolSweepResult Choose(IReadOnlyList<PoolSizeStep> steps, double p99LimitMs, int clients, int restoredTo)
    {
        var eligible = steps.Where(s => s.Result.Errors == 0 && s.Result.Latency.P99 <= p99LimitMs).ToList();
        if (eligible.Count == 0)
        {
            var fastest = steps.MaxBy(s => s.Result.Tps)!;
            return new PoolSweepResult(steps, fastest, null, p99LimitMs,
                $"no pool size kept p99 under {N(p99LimitMs)} ms without errors at {clients} client(s); the fastest, pool {fastest.PoolSize}, gave "
                + $"{N(fastest.Result.Tps)} TPS at p99 {N(fastest.Result.Latency.P99)} ms: fewer clients, a higher --knee-p99 or a faster database", restoredTo);
        }
        var best = eligible.MaxBy(s => s.Result.Tps)!;
        var recommended = eligible.Where(s => s.Result.Tps >= best.Result.Tps * EnoughOfBest).MinBy(s => s.PoolSize)!;
        return new PoolSweepResult(steps, best, recommended, p99LimitMs, Explain(steps, best, recommended, clients), restoredTo);
    }

    private static string Explain(IReadOnlyList<PoolSizeStep> steps, PoolSizeStep best, PoolSizeStep recommended, int clients)
    {
        var r = recommended.Result;
        var text = $"pool {recommended.PoolSize}: {N(r.Tps)} TPS at p99 {N(r.Latency.P99)} ms";
        if (double.IsFinite(recommended.ServerMs))
        {
            text += $"; a transaction holds a server {N(recommended.ServerMs)} ms, so {N(r.Tps)}/s × {N(recommended.ServerMs)} ms = {N(recommended.ServersBusy)} server(s) busy on average (Little's law)";
            text += recommended.WaitMs >= 0.05 * r.Latency.Mean
                ? $", and of its {N(r.Latency.Mean)} ms mean latency {N(recommended.WaitMs)} ms is waiting for one"
                : $", and it hardly waits for one ({N(recommended.WaitMs)} of {N(r.Latency.Mean)} ms)";
        }
        if (best != recommended)
        {
            var gain = best.Result.Tps / Math.Max(1e-9, r.Tps) - 1;
            text += $"; the best, pool {best.PoolSize}, gave only {N(gain * 100)} % more for {best.PoolSize - recommended.PoolSize} more connection(s) to the database";
        }
        var smaller = steps.Where(s => s.PoolSize < recommended.PoolSize).MaxBy(s => s.PoolSize);
        if (smaller is not null)
        {
            var less = 1 - smaller.Result.Tps / Math.Max(1e-9, r.Tps);
            text += $"; pool {smaller.PoolSize} gave {N(smaller.Result.Tps)} TPS ({N(less * 100)} % less, p99 {N(smaller.Result.Latency.P99)} ms)"
                + (less > 0.2 ? $", its {clients} client(s) queueing for too few servers" : "");
        }
        var largest = steps.Where(s => s.PoolSize > recommended.PoolSize).MaxBy(s => s.PoolSize);
        if (largest is not null && double.IsFinite(largest.ServerMs) && double.IsFinite(recommended.ServerMs) && largest.ServerMs > recommended.ServerMs * 1.2)
        {
            text += $"; at pool {largest.PoolSize} a transaction held its server {N(largest.ServerMs)} ms against {N(recommended.ServerMs)}: the extra connections contend in the database instead of adding work";
        }
        return text;
    }

    private static async Task<NpgsqlConnection> OpenAsync(NpgsqlDataSource dataSource, string endpoint, CancellationToken cancellationToken)
    {
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new LoadTestSetupException($"cannot connect to {endpoint}: {ex.Message}", ex);
        }
    }

    internal static string N(double value) => value.ToString(Math.Abs(value) >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture);
}
