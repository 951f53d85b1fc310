using System.Collections.Concurrent;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using static PoolGuard.IntegrationTests.Infrastructure.NpgsqlScalar;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// Statement pooling: a server serves one statement (one implicit transaction) at a time, so many
/// clients share few servers; a transaction block is refused with 0A000 and leaves nothing open.
/// </summary>
public sealed class StatementPoolingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static PoolGuardConfig StatementMode(PoolGuardConfig config, int poolSize) =>
        config with { PoolMode = PoolMode.Statement, DefaultPoolSize = poolSize, AuthType = AuthType.Trust };

    [SkippableFact]
    public async Task Forty_clients_connected_at_once_run_single_statements_over_two_servers()
    {
        const int clients = 40, statementsEach = 20, poolSize = 2;
        await using var gateway = GatewayHarness.Start(c => StatementMode(c, poolSize));
        await PgSandbox.WaitForNoBackendsAsync();
        await using var monitor = await PgSandbox.OpenSuperuserAsync();
        await using var count = new NpgsqlCommand("select count(*) from pg_stat_activity where usename = 'app_user' and datname = 'app'", monitor);
        await using var backends = Sampler.Start(TimeSpan.FromMilliseconds(10), async token => (int)(long)(await count.ExecuteScalarAsync(token))!);

        await using var crowd = await ClientCrowd.OpenAsync(clients, _ => gateway.ConnectionString(), TimeSpan.FromSeconds(15));
        var failures = new ConcurrentQueue<string>();
        await Task.WhenAll(crowd.Connections.Select(async (connection, client) =>
        {
            try
            {
                for (var i = 0; i < statementsEach; i++)
                {
                    await using var command = new NpgsqlCommand("select $1::int * 2", connection) { Parameters = { new NpgsqlParameter<int> { TypedValue = client * 100 + i } } };
                    Assert.Equal((client * 100 + i) * 2, await command.ExecuteScalarAsync());
                }
            }
            catch (Exception ex)
            {
                failures.Enqueue($"client {client}: {ex.GetType().Name}: {ex.Message}");
            }
        })).WaitAsync(TimeSpan.FromSeconds(60));
        await backends.StopAsync();

        Assert.True(failures.IsEmpty, $"{failures.Count} of {clients} clients failed; first: {failures.FirstOrDefault()}");
        Assert.True(backends.Failures == 0, $"the pg_stat_activity sampler failed: {backends.LastFailure}");
        Assert.InRange(backends.Max, 1, poolSize);
        await crowd.DisposeAsync();
        await gateway.AssertPoolSettledAsync();
    }

    [SkippableFact]
    public async Task Begin_is_refused_with_0A000_naming_statement_pooling_mode_and_the_connection_stays_usable_outside_a_transaction()
    {
        await using var gateway = GatewayHarness.Start(c => StatementMode(c, poolSize: 1));
        await using var connection = await gateway.OpenAsync().WaitAsync(Bound);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, "begin"));
        Assert.Equal("0A000", refused.SqlState);
        Assert.Contains("statement pooling mode", refused.MessageText, StringComparison.Ordinal);

        // Outside a transaction each statement gets its own transaction id; inside the refused
        // BEGIN's transaction both would share one.
        var firstId = await ScalarAsync(connection, "select pg_current_xact_id()::text");
        var secondId = await ScalarAsync(connection, "select pg_current_xact_id()::text");
        Assert.NotEqual(firstId, secondId);
        Assert.Equal(0L, await SandboxDatabase.CountIdleInTransactionAsync());

        // On the wire: the error, then ReadyForQuery idle, and the next statement runs.
        using var raw = await RawPgClient.LogInWithTrustAsync(gateway);
        await raw.SendAsync(RawPgClient.Query("begin"));
        var answer = await raw.ReadUntilReadyForQueryAsync();
        var error = answer.SingleOrDefault(m => m.TypeChar == 'E');
        Assert.True(error is not null, $"BEGIN was not refused: {string.Join(", ", answer)}");
        Assert.Equal("0A000", error.Fields()['C']);
        Assert.Equal('I', answer[^1].TransactionStatus());
        await raw.SendAsync(RawPgClient.Query("select 'still usable', pg_current_xact_id()::text"));
        var next = await raw.ReadUntilReadyForQueryAsync();
        var row = next.Single(m => m.TypeChar == 'D').Columns();
        Assert.Equal("still usable", row[0]);
        await raw.SendAsync(RawPgClient.Query("select pg_current_xact_id()::text"));
        var after = await raw.ReadUntilReadyForQueryAsync();
        Assert.NotEqual(row[1], after.Single(m => m.TypeChar == 'D').Columns()[0]);
        Assert.Equal('I', next[^1].TransactionStatus());
    }

    [SkippableFact]
    public async Task A_multi_statement_query_runs_whole_in_one_implicit_transaction()
    {
        await using var gateway = GatewayHarness.Start(c => StatementMode(c, poolSize: 2));

        // Simple protocol: one Query message, two statements, one implicit transaction.
        using (var raw = await RawPgClient.LogInWithTrustAsync(gateway))
        {
            await raw.SendAsync(RawPgClient.Query("select 1, pg_current_xact_id()::text; select 2, pg_current_xact_id()::text"));
            var answer = (await raw.ReadUntilReadyForQueryAsync()).Synchronous();
            Assert.True(BackendMessages.Types(answer) == "TDCTDCZ", string.Join(", ", answer));
            var (first, second) = (answer[1].Columns(), answer[4].Columns());
            Assert.Equal(("1", "2"), (first[0], second[0]));
            Assert.Equal(first[1], second[1]);
            Assert.Equal('I', answer[^1].TransactionStatus());
        }

        // Npgsql: the same text becomes two statements in one extended-protocol batch (one Sync).
        await using var connection = await gateway.OpenAsync().WaitAsync(Bound);
        await using var command = new NpgsqlCommand("select 1, pg_current_xact_id()::text; select 2, pg_current_xact_id()::text", connection);
        await using var reader = await command.ExecuteReaderAsync().WaitAsync(Bound);
        Assert.True(await reader.ReadAsync().WaitAsync(Bound));
        var (one, xact) = (reader.GetInt32(0), reader.GetString(1));
        Assert.True(await reader.NextResultAsync().WaitAsync(Bound) && await reader.ReadAsync().WaitAsync(Bound));
        Assert.Equal((1, 2, xact), (one, reader.GetInt32(0), reader.GetString(1)));
    }
}
