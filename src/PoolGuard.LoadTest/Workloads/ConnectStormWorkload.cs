using Npgsql;

namespace PoolGuard.LoadTest.Workloads;

/// <summary>
/// A new connection per transaction (pgbench -C): connect, authenticate, SELECT 1, disconnect. What an application
/// with pooling turned off does — and what a gateway in front turns into a cheap local handshake.
/// </summary>
public sealed class ConnectStormWorkload : IWorkload
{
    public string Name => "connect-storm";

    public async Task PrepareAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<WorkerState> StartWorkerAsync(NpgsqlDataSource dataSource, int worker, CancellationToken cancellationToken) =>
        Task.FromResult<WorkerState>(new State(dataSource));

    /// <param name="dataSource">Unpooled (the runner builds it with Pooling=false for this workload): every open is a real connection.</param>
    private sealed class State(NpgsqlDataSource dataSource) : WorkerState
    {
        public override async Task RunAsync(CancellationToken cancellationToken)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
