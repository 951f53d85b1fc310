using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;
using Npgsql;
using PoolGuard.LoadTest.Results;
using PoolGuard.LoadTest.Sampling;
using PoolGuard.LoadTest.Workloads;

namespace PoolGuard.LoadTest.Running;

/// <summary>
/// Runs a workload against an endpoint under a <see cref="LoadPlan"/>: prepares it (a setup problem throws
/// <see cref="LoadTestSetupException"/> before any load), starts the clients, reports one <see cref="IntervalResult"/>
/// per interval as it goes, and returns the whole result. A failed transaction is counted by SQLSTATE and the client
/// carries on (on a new connection when the old one broke); it never stops the run.
/// </summary>
public static class LoadRunner
{
    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a client the ramp has not reached looks again.</summary>
    private static readonly TimeSpan IdleCheck = TimeSpan.FromMilliseconds(10);

    public static async Task<LoadTestResult> RunAsync(IWorkload workload, NpgsqlDataSource dataSource, LoadPlan plan,
        Action<IntervalResult>? progress, CancellationToken cancellationToken)
    {
        try
        {
            await workload.PrepareAsync(dataSource, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or SocketException)
        {
            throw new LoadTestSetupException($"cannot run {workload.Name} on {plan.Endpoint}: {ex.Message}", ex);
        }
        foreach (var sampler in plan.Samplers)
        {
            await sampler.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        var sampling = new SamplingState(plan.Samplers);

        var recorder = new LatencyRecorder();
        var run = new RunState(plan.Clients);
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Channel<long>? arrivals = plan.Rate is null ? null : Channel.CreateBounded<long>(new BoundedChannelOptions(plan.Clients) { SingleWriter = true });

        // Every client opens its connection before the clock starts: connecting is not what the run measures
        // (connect-storm measures it per transaction), and arrivals must not find clients still logging in.
        var clients = Enumerable.Range(0, plan.Clients)
            .Select(i => Task.Run(() => ClientAsync(workload, dataSource, i, recorder, run, arrivals, hardStop.Token), CancellationToken.None)).ToList();
        await Task.WhenAny(run.AllReady.Task, Task.Delay(plan.ConnectTimeout, cancellationToken)).ConfigureAwait(false);
        // The warm-up runs the same load unmeasured (the JIT, the server's caches); the clock starts after it.
        var warmFrom = Stopwatch.GetTimestamp();
        var start = warmFrom + (long)(plan.Warmup.TotalSeconds * Stopwatch.Frequency);
        var end = start + (long)(plan.Duration.TotalSeconds * Stopwatch.Frequency);
        var course = plan.Course.After(plan.Warmup); // from warmFrom: the warm-up holds the first value
        run.Go.TrySetResult(new RunWindow(warmFrom, start, end, course));
        var scheduler = arrivals is null ? Task.CompletedTask : Task.Factory.StartNew(() => Schedule(arrivals.Writer, course, warmFrom, start, end, run, hardStop.Token),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (plan.Warmup > TimeSpan.Zero)
        {
            await Task.WhenAny(Task.Delay(plan.Warmup, cancellationToken)).ConfigureAwait(false); // cancelled: the loop below ends at once
        }
        var startedAt = DateTimeOffset.UtcNow;

        var intervals = new List<IntervalResult>();
        var last = start;
        long droppedBefore = 0;
        while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), end);
            try
            {
                await Task.Delay(remaining < plan.Interval ? remaining : plan.Interval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var now = Stopwatch.GetTimestamp();
            var resources = sampling.SampleAsync(plan.Interval / 2, cancellationToken);
            var value = course.ValueAt(Stopwatch.GetElapsedTime(warmFrom, now).TotalSeconds);
            var point = Point(recorder, run, start, last, now, plan.Rate is null ? (int)Math.Min(plan.Clients, Math.Round(value)) : plan.Clients, ref droppedBefore);
            intervals.Add(point with { Resources = await resources.ConfigureAwait(false), TargetRate = plan.Rate is null ? null : Math.Round(value, 1) });
            progress?.Invoke(intervals[^1]);
            last = now;
        }
        run.Stopping = true;
        await scheduler.ConfigureAwait(false);
        var all = Task.WhenAll(clients);
        if (await Task.WhenAny(all, Task.Delay(plan.Grace, CancellationToken.None)).ConfigureAwait(false) != all)
        {
            await hardStop.CancelAsync().ConfigureAwait(false);
        }
        await all.ConfigureAwait(false);
        var finished = Stopwatch.GetTimestamp();
        recorder.Interval(); // what finished in the grace counts in the totals, not as a point of its own
        var elapsed = Stopwatch.GetElapsedTime(start, Math.Min(finished, end)).TotalSeconds;
        var total = recorder.Total;
        return new LoadTestResult
        {
            Workload = workload.Name,
            Model = plan.Model,
            Endpoint = plan.Endpoint,
            Clients = plan.Clients,
            Rate = plan.Rate,
            StartedAt = startedAt,
            DurationSeconds = Math.Round(elapsed, 3),
            Transactions = total.TotalCount,
            Tps = elapsed > 0 ? Math.Round(total.TotalCount / elapsed, 1) : 0,
            Latency = Percentiles.Of(total),
            Errors = recorder.ErrorCount,
            ErrorsByCode = new Dictionary<string, long>(recorder.Errors),
            Dropped = run.Dropped,
            Intervals = intervals,
            Sampled = sampling.Summaries(),
        };
    }

    private static IntervalResult Point(LatencyRecorder recorder, RunState run, long start, long from, long to, int clients, ref long droppedBefore)
    {
        var interval = recorder.Interval();
        var seconds = Stopwatch.GetElapsedTime(from, to).TotalSeconds;
        var errors = recorder.ErrorCount;
        var point = new IntervalResult(Math.Round(Stopwatch.GetElapsedTime(start, to).TotalSeconds, 3), interval.TotalCount,
            seconds > 0 ? Math.Round(interval.TotalCount / seconds, 1) : 0, Percentiles.Of(interval), errors - run.ErrorsBefore, clients, run.Dropped - droppedBefore);
        run.ErrorsBefore = errors;
        droppedBefore = run.Dropped;
        return point;
    }

    /// <summary>
    /// Open model: each arrival's intended start time, as dense as the course's rate; an arrival that finds the queue
    /// full is dropped, not delayed. On a thread of its own that sleeps with Thread.Sleep(1) (a nanosleep, about 1.1 ms
    /// late at most): Task.Delay(1) rides the timer queue and woke 4–5 ms late here, which the latencies then carried.
    /// </summary>
    private static void Schedule(ChannelWriter<long> arrivals, LoadSchedule course, long start, long measureFrom, long end, RunState run, CancellationToken cancellationToken)
    {
        long issued = 0;
        var next = Due(course, start, issued);
        try
        {
            while (!run.Stopping && !cancellationToken.IsCancellationRequested)
            {
                var now = Stopwatch.GetTimestamp();
                if (now >= end)
                {
                    break;
                }
                for (; next <= now && next < end; next = Due(course, start, ++issued))
                {
                    if (!arrivals.TryWrite(next) && next >= measureFrom)
                    {
                        Interlocked.Increment(ref run.Dropped);
                    }
                }
                Thread.Sleep(1);
            }
        }
        finally
        {
            arrivals.TryComplete();
        }
    }

    /// <summary>The Stopwatch timestamp at which arrival <paramref name="n"/> is due; long.MaxValue once the course has ended.</summary>
    private static long Due(LoadSchedule course, long start, long n) => course.TimeOfArrival(n) is var seconds && double.IsFinite(seconds)
        ? start + (long)(seconds * Stopwatch.Frequency)
        : long.MaxValue;

    private static async Task ClientAsync(IWorkload workload, NpgsqlDataSource dataSource, int index, LatencyRecorder recorder, RunState run,
        Channel<long>? arrivals, CancellationToken cancellationToken)
    {
        WorkerState? state = null;
        try
        {
            try
            {
                state = await workload.StartWorkerAsync(dataSource, index, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Failure(ex) is not null)
            {
                // counted once the run is on: the loop below tries again
            }
            run.Ready();
            var (origin, measureFrom, end, course) = await run.Go.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            while (!run.Stopping && !cancellationToken.IsCancellationRequested)
            {
                if (state is null)
                {
                    try
                    {
                        state = await workload.StartWorkerAsync(dataSource, index, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (Failure(ex) is { } code)
                    {
                        if (Stopwatch.GetTimestamp() >= measureFrom)
                        {
                            recorder.Error(code);
                        }
                        await Pause(cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }
                long intended;
                if (arrivals is null)
                {
                    intended = Stopwatch.GetTimestamp();
                    if (intended >= end)
                    {
                        break;
                    }
                    if (index >= Math.Round(course.ValueAt(Stopwatch.GetElapsedTime(origin, intended).TotalSeconds)))
                    {
                        await Idle(cancellationToken).ConfigureAwait(false); // the ramp has not reached this client yet, or has left it
                        continue;
                    }
                }
                else if (!await arrivals.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false) || !arrivals.Reader.TryRead(out intended))
                {
                    break;
                }
                var measured = intended >= measureFrom;
                try
                {
                    await state.RunAsync(cancellationToken).ConfigureAwait(false);
                    if (measured)
                    {
                        recorder.Record(intended, Stopwatch.GetTimestamp());
                    }
                    if (arrivals is null)
                    {
                        await state.BetweenAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (PostgresException ex) when (measured)
                {
                    recorder.Error(ex.SqlState);
                }
                catch (PostgresException)
                {
                }
                catch (Exception ex) when (Failure(ex) is { } code)
                {
                    if (measured)
                    {
                        recorder.Error(code);
                    }
                    await state.DisposeAsync().ConfigureAwait(false);
                    state = null; // the connection is gone: the next round opens a new one
                    await Pause(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (state is not null)
            {
                await state.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The SQLSTATE a failure is counted under: the server's, 08006 for a broken or refused connection, 57014 for a timeout.</summary>
    private static string? Failure(Exception ex) => ex switch
    {
        PostgresException postgres => postgres.SqlState,
        NpgsqlException { InnerException: TimeoutException } or TimeoutException => "57014",
        NpgsqlException or SocketException or IOException => "08006",
        _ => null,
    };

    private static Task Pause(CancellationToken cancellationToken) => Wait(Backoff, cancellationToken);

    private static Task Idle(CancellationToken cancellationToken) => Wait(IdleCheck, cancellationToken);

    private static async Task Wait(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Stopwatch timestamps: the course runs from <paramref name="Origin"/> (the warm-up's start); transactions intended
    /// from <paramref name="MeasureFrom"/> are measured; none starts at or after <paramref name="End"/>.
    /// </summary>
    private readonly record struct RunWindow(long Origin, long MeasureFrom, long End, LoadSchedule Course);

    private sealed class RunState(int clients)
    {
        private int _notReady = clients;
        public volatile bool Stopping;
        public long Dropped;
        public long ErrorsBefore;

        public TaskCompletionSource AllReady { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The run's window, once every client is ready or the connect timeout passed.</summary>
        public TaskCompletionSource<RunWindow> Go { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Ready()
        {
            if (Interlocked.Decrement(ref _notReady) == 0)
            {
                AllReady.TrySetResult();
            }
        }
    }
}
