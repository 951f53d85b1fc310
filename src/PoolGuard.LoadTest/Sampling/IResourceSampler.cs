namespace PoolGuard.LoadTest.Sampling;

/// <summary>
/// A source of figures read beside the load once per interval — the database's connection counts, the gateway's
/// pools — so a report shows what the load did to them. A sample that fails is left out of its interval (an
/// exhausted database is exactly when it may), and the run goes on.
/// </summary>
public interface IResourceSampler : IAsyncDisposable
{
    /// <summary>What is sampled, for messages: "database 127.0.0.1:5432/app", "gateway http://127.0.0.1:9930".</summary>
    string Source { get; }

    /// <summary>
    /// Opens what sampling needs before the load starts (a database connection: once the load has exhausted the
    /// database, a new one would be refused). A problem here is a setup problem: it throws <see cref="Workloads.LoadTestSetupException"/>.
    /// </summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>The figures now, named as in <see cref="ResourceNames"/>.</summary>
    Task<IReadOnlyDictionary<string, double>> SampleAsync(CancellationToken cancellationToken);
}
