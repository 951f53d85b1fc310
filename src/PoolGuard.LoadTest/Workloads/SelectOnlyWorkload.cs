using Npgsql;

namespace PoolGuard.LoadTest.Workloads;

/// <summary>pgbench's select-only (-S): one account balance by a random key, a prepared statement on the worker's own connection.</summary>
public sealed class SelectOnlyWorkload : IWorkload
{
    private int _accounts;

    public string Name => "select-only";

    public async Task PrepareAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        _accounts = await PgbenchTables.ScaleAsync(dataSource, cancellationToken).ConfigureAwait(false) * PgbenchTables.AccountsPerBranch;

    public async Task<WorkerState> StartWorkerAsync(NpgsqlDataSource dataSource, int worker, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var command = new NpgsqlCommand("SELECT abalance FROM pgbench_accounts WHERE aid = $1", connection) { Parameters = { new NpgsqlParameter<int> { TypedValue = 1 } } };
        await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
        return new State(connection, command, _accounts);
    }

    private sealed class State(NpgsqlConnection connection, NpgsqlCommand command, int accounts) : WorkerState
    {
        private readonly NpgsqlParameter<int> _aid = (NpgsqlParameter<int>)command.Parameters[0];

        public override async Task RunAsync(CancellationToken cancellationToken)
        {
            _aid.TypedValue = Random.Shared.Next(1, accounts + 1);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }

        public override async ValueTask DisposeAsync()
        {
            await command.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
