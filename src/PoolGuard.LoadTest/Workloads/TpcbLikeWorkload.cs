using Npgsql;

namespace PoolGuard.LoadTest.Workloads;

/// <summary>
/// pgbench's default TPC-B-like transaction: update an account, read its balance, update a teller and a branch,
/// append to the history, commit. The five statements go as one batch inside the transaction: one round trip each
/// for BEGIN, the batch and COMMIT, as a careful application would send them.
/// </summary>
public sealed class TpcbLikeWorkload : IWorkload
{
    private int _scale;

    public string Name => "tpcb-like";

    public async Task PrepareAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        _scale = await PgbenchTables.ScaleAsync(dataSource, cancellationToken).ConfigureAwait(false);

    public async Task<WorkerState> StartWorkerAsync(NpgsqlDataSource dataSource, int worker, CancellationToken cancellationToken) =>
        new State(await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false), _scale);

    private sealed class State(NpgsqlConnection connection, int scale) : WorkerState
    {
        private readonly NpgsqlBatch _batch = Batch(connection);

        private static NpgsqlBatch Batch(NpgsqlConnection connection)
        {
            var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(Statement("UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2", 2));
            batch.BatchCommands.Add(Statement("SELECT abalance FROM pgbench_accounts WHERE aid = $1", 1));
            batch.BatchCommands.Add(Statement("UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2", 2));
            batch.BatchCommands.Add(Statement("UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2", 2));
            batch.BatchCommands.Add(Statement("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)", 4));
            return batch;
        }

        private static NpgsqlBatchCommand Statement(string sql, int parameters)
        {
            var command = new NpgsqlBatchCommand(sql);
            for (var i = 0; i < parameters; i++)
            {
                command.Parameters.Add(new NpgsqlParameter<int>());
            }
            return command;
        }

        public override async Task RunAsync(CancellationToken cancellationToken)
        {
            var aid = Random.Shared.Next(1, scale * PgbenchTables.AccountsPerBranch + 1);
            var bid = Random.Shared.Next(1, scale + 1);
            var tid = Random.Shared.Next(1, scale * PgbenchTables.TellersPerBranch + 1);
            var delta = Random.Shared.Next(-5000, 5001);
            Set(0, 0, delta);
            Set(0, 1, aid);
            Set(1, 0, aid);
            Set(2, 0, delta);
            Set(2, 1, tid);
            Set(3, 0, delta);
            Set(3, 1, bid);
            Set(4, 0, tid);
            Set(4, 1, bid);
            Set(4, 2, aid);
            Set(4, 3, delta);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            _batch.Transaction = transaction;
            await _batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        private void Set(int statement, int parameter, int value) =>
            ((NpgsqlParameter<int>)_batch.BatchCommands[statement].Parameters[parameter]).TypedValue = value;

        public override async ValueTask DisposeAsync()
        {
            await _batch.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
