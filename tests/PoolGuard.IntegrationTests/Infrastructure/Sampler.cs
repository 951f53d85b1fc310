using System.Collections.Concurrent;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// Polls a number at a fixed interval in the background while a test drives load, keeping every
/// sample: "the database never saw more than N backends" is a claim about all of them.
/// A probe that throws is counted, not swallowed silently, so a broken sampler cannot pass a test.
/// </summary>
internal sealed class Sampler : IAsyncDisposable
{
    private readonly ConcurrentQueue<int> _samples = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _failures;
    private Exception? _lastFailure;

    private Sampler(TimeSpan interval, Func<CancellationToken, Task<int>> probe) => _loop = RunAsync(interval, probe);

    public static Sampler Start(TimeSpan interval, Func<CancellationToken, Task<int>> probe) => new(interval, probe);

    public static Sampler Start(TimeSpan interval, Func<int> probe) => new(interval, _ => Task.FromResult(probe()));

    public IReadOnlyCollection<int> Samples => _samples;

    public int Max => _samples.IsEmpty ? 0 : _samples.Max();

    public int Failures => Volatile.Read(ref _failures);

    public Exception? LastFailure => _lastFailure;

    private async Task RunAsync(TimeSpan interval, Func<CancellationToken, Task<int>> probe)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                _samples.Enqueue(await probe(_stop.Token));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _failures);
                _lastFailure = ex;
            }
        }
        while (await WaitAsync(timer));
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops sampling after one last sample has been taken.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }
        _stop.Dispose();
    }
}
