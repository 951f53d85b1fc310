using Npgsql;

namespace PoolGuard.LoadTest.Workloads;

/// <summary>
/// Clients that take a connection and keep it, as a leaky application does: each worker opens one and, once a
/// second, checks it is still alive with SELECT 1 (a "transaction" here), holding it in between. Through a gateway in
/// session mode this pins a server per client; in transaction mode it costs the database nothing.
/// </summary>
public sealed class HoldWorkload : IWorkload
{
    public static readonly TimeSpan Between = TimeSpan.FromSeconds(1);

    public string Name => "hold";

    public async Task PrepareAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<WorkerState> StartWorkerAsync(NpgsqlDataSource dataSource, int worker, CancellationToken cancellationToken) =>
        new State(await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false));

    private sealed class State(NpgsqlConnection connection) : WorkerState
    {
        public override Task BetweenAsync(CancellationToken cancellationToken) => Task.Delay(Between, cancellationToken);

        public override async Task RunAsync(CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }

        public override ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
