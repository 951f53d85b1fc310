using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace PoolGuard.LoadTest.Running;

/// <summary>
/// Latencies in microseconds, from every worker at once (HdrHistogram's Recorder: writers never wait for the reader),
/// and errors by SQLSTATE. <see cref="Interval"/> takes what was recorded since the last call, for the live line and
/// the per-second series; the run's whole histogram is the sum of the intervals.
/// </summary>
public sealed class LatencyRecorder
{
    /// <summary>An hour: anything slower is clamped there, not lost.</summary>
    public const long HighestMicroseconds = 3_600_000_000;

    private readonly Recorder _recorder = HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(HighestMicroseconds).WithPrecisionOf(3)
        .WithThreadSafeWrites().WithThreadSafeReads().Create();

    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private long _errorCount;

    public HistogramBase Total { get; } = new LongHistogram(1, HighestMicroseconds, 3);

    public void Record(long startTimestamp, long endTimestamp)
    {
        var micros = (long)Stopwatch.GetElapsedTime(startTimestamp, endTimestamp).TotalMicroseconds;
        _recorder.RecordValue(Math.Clamp(micros, 1, HighestMicroseconds));
    }

    public void Error(string code)
    {
        _errors.AddOrUpdate(code, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _errorCount);
    }

    public long ErrorCount => Interlocked.Read(ref _errorCount);

    public IReadOnlyDictionary<string, long> Errors => _errors;

    /// <summary>What was recorded since the last call, also added to <see cref="Total"/>.</summary>
    public HistogramBase Interval()
    {
        var interval = _recorder.GetIntervalHistogram();
        Total.Add(interval);
        return interval;
    }
}
