using PoolGuard.LoadTest.Results;

namespace PoolGuard.LoadTest.Sampling;

/// <summary>
/// One run's samplers read together at each interval: each within a time limit, a failure or a late answer left out
/// of that interval and counted, so a sampler never holds up the run or ends it.
/// </summary>
internal sealed class SamplingState(IReadOnlyList<IResourceSampler> samplers)
{
    private readonly int[] _samples = new int[samplers.Count];
    private readonly int[] _failures = new int[samplers.Count];
    private readonly string?[] _lastError = new string?[samplers.Count];

    public async Task<IReadOnlyDictionary<string, double>> SampleAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        if (samplers.Count == 0)
        {
            return figures;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        var reads = samplers.Select(s => s.SampleAsync(timeout.Token)).ToList();
        for (var i = 0; i < reads.Count; i++)
        {
            try
            {
                foreach (var (name, value) in await reads[i].ConfigureAwait(false))
                {
                    figures[name] = value;
                }
                _samples[i]++;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _failures[i]++;
                _lastError[i] = ex is OperationCanceledException ? $"no answer within {limit.TotalMilliseconds:0} ms" : ex.Message;
            }
        }
        return figures;
    }

    public IReadOnlyList<SamplerSummary> Summaries() =>
        [.. samplers.Select((s, i) => new SamplerSummary(s.Source, _samples[i], _failures[i], _lastError[i]))];
}
