using Npgsql;

namespace PoolGuard.LoadTest.Workloads;

/// <summary>
/// One kind of transaction the load test runs. A worker gets its own state (its connection, prepared commands, a
/// random source) from <see cref="StartWorkerAsync"/> and runs <see cref="WorkerState.RunAsync"/> once per transaction.
/// </summary>
public interface IWorkload
{
    string Name { get; }

    /// <summary>Before the run: checks the endpoint can run it (tables there, SQL valid) and throws
    /// <see cref="LoadTestSetupException"/> with what is wrong — so a bad endpoint fails before any load, not during.</summary>
    Task PrepareAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken);

    Task<WorkerState> StartWorkerAsync(NpgsqlDataSource dataSource, int worker, CancellationToken cancellationToken);
}

/// <summary>A worker's own connection and commands; one transaction per <see cref="RunAsync"/>.</summary>
public abstract class WorkerState : IAsyncDisposable
{
    public abstract Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Between two transactions of the closed model, outside the measured time (a client's think time).</summary>
    public virtual Task BetweenAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract ValueTask DisposeAsync();
}

/// <summary>The endpoint cannot run the workload (unreachable, refused, tables missing, a script that does not parse): exit 2 before the run.</summary>
public sealed class LoadTestSetupException(string message, Exception? inner = null) : Exception(message, inner);
