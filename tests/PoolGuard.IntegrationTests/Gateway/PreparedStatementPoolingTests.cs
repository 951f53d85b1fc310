using System.Collections.Concurrent;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using static PoolGuard.IntegrationTests.Infrastructure.NpgsqlScalar;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// Protocol-level named prepared statements under transaction pooling: each client's statements
/// are its own (drivers name them "_p1", "_auto0"… on every connection alike), prepared on
/// whichever server runs them, evicted least recently used past max_prepared_statements, and
/// closed, deallocated and described exactly as PostgreSQL would.
/// </summary>
public sealed class PreparedStatementPoolingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static PoolGuardConfig TransactionMode(PoolGuardConfig config, int poolSize) =>
        config with { PoolMode = PoolMode.Transaction, DefaultPoolSize = poolSize };

    [SkippableFact]
    public async Task Fifty_clients_mixing_auto_and_explicitly_prepared_statements_over_five_servers_get_every_result_right()
    {
        const int clients = 50, statementsEach = 500;
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 5));
        var connectionString = new NpgsqlConnectionStringBuilder(gateway.ConnectionString()) { MaxAutoPrepare = 20, AutoPrepareMinUsages = 2 }.ConnectionString;

        var failures = new ConcurrentQueue<string>();
        var executed = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                var mix = await StatementMix.PrepareAsync(connection, client);
                for (var i = 0; i < statementsEach; i++)
                {
                    await mix.RunOneAsync();
                    Interlocked.Increment(ref executed);
                }
            }
            catch (Exception ex)
            {
                failures.Enqueue($"client {client}: {ex.GetType().Name}: {ex.Message}");
            }
        })).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(failures.IsEmpty, $"{failures.Count} of {clients} clients failed; first: {string.Join(" | ", failures.Take(3))}");
        Assert.Equal(clients * statementsEach, executed);
        await gateway.AssertPoolSettledAsync();
    }

    [SkippableFact]
    public async Task Ten_prepared_statements_cycled_by_three_clients_with_max_prepared_statements_2_all_return_the_right_results()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 2) with { MaxPreparedStatements = 2 });

        await Task.WhenAll(Enumerable.Range(0, 3).Select(async client =>
        {
            await using var connection = await gateway.OpenAsync().WaitAsync(Bound);
            var commands = await PrepareMultipliersAsync(connection, count: 10, order: client);
            for (var round = 0; round < 20; round++)
            {
                foreach (var (factor, command) in commands)
                {
                    var value = client * 1000 + round;
                    command.Parameters[0].Value = value;
                    Assert.Equal(value * factor, await command.ExecuteScalarAsync().WaitAsync(Bound));
                }
            }
        })).WaitAsync(TimeSpan.FromSeconds(60));
        await gateway.AssertPoolSettledAsync();
    }

    [SkippableFact]
    public async Task A_server_holds_no_more_prepared_statements_than_max_prepared_statements()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 1) with { MaxPreparedStatements = 2 });
        await using var connection = await gateway.OpenAsync().WaitAsync(Bound);
        var commands = await PrepareMultipliersAsync(connection, count: 10, order: 0);
        for (var round = 0; round < 3; round++)
        {
            foreach (var (factor, command) in commands)
            {
                command.Parameters[0].Value = round;
                Assert.Equal(round * factor, await command.ExecuteScalarAsync().WaitAsync(Bound));
            }
        }

        // Not prepared itself (Npgsql's auto-prepare is off): it sees the one server's statements.
        await using var count = new NpgsqlCommand("select count(*) from pg_prepared_statements", connection);
        Assert.InRange((long)(await count.ExecuteScalarAsync().WaitAsync(Bound))!, 1, 2);
    }

    [SkippableFact]
    public async Task A_statement_name_closed_or_deallocated_can_be_prepared_again_with_another_query()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 2) with { AuthType = AuthType.Trust });
        using var first = await RawPgClient.LogInWithTrustAsync(gateway);
        using var second = await RawPgClient.LogInWithTrustAsync(gateway);

        // Both clients use the name "stmt" for different queries, step by step in turn.
        foreach (var (client, tag) in new[] { (first, "a"), (second, "b") })
        {
            await ExpectAsync(client, ExtendedQuery.Concat(ExtendedQuery.Parse("stmt", $"select $1::int + 1, '{tag}1'"), ExtendedQuery.Sync()), "1Z");
        }
        foreach (var (client, tag) in new[] { (first, "a"), (second, "b") })
        {
            Assert.Equal(["42", $"{tag}1"], await RunAsync(client, "stmt", "41"));
            await ExpectAsync(client, ExtendedQuery.Concat(ExtendedQuery.Close('S', "stmt"), ExtendedQuery.Sync()), "3Z");
        }
        foreach (var (client, tag) in new[] { (first, "a"), (second, "b") })
        {
            await ExpectAsync(client, ExtendedQuery.Concat(ExtendedQuery.Parse("stmt", $"select $1::text || '!', '{tag}2'"), ExtendedQuery.Sync()), "1Z");
        }
        foreach (var (client, tag) in new[] { (first, "a"), (second, "b") })
        {
            Assert.Equal(["hi!", $"{tag}2"], await RunAsync(client, "stmt", "hi"));
            await ExpectAsync(client, RawPgClient.Query("deallocate all"), "CZ");
        }
        foreach (var (client, tag) in new[] { (first, "a"), (second, "b") })
        {
            await ExpectAsync(client, ExtendedQuery.Concat(ExtendedQuery.Parse("stmt", $"select ($1::int * 3)::text, '{tag}3'"), ExtendedQuery.Sync()), "1Z");
        }
        foreach (var (client, tag) in new[] { (first, "a"), (second, "b") })
        {
            Assert.Equal(["21", $"{tag}3"], await RunAsync(client, "stmt", "7"));
            await ExpectAsync(client, RawPgClient.Query("discard all"), "CZ");
        }
        foreach (var (client, tag) in new[] { (first, "a"), (second, "b") })
        {
            await ExpectAsync(client, ExtendedQuery.Concat(ExtendedQuery.Parse("stmt", $"select upper($1::text), '{tag}4'"), ExtendedQuery.Sync()), "1Z");
        }
        foreach (var (client, tag) in new[] { (first, "a"), (second, "b") })
        {
            Assert.Equal(["FOUR", $"{tag}4"], await RunAsync(client, "stmt", "four"));

            // Still prepared: preparing the name again fails as on PostgreSQL, and the statement survives.
            var again = await SendAsync(client, ExtendedQuery.Concat(ExtendedQuery.Parse("stmt", "select 'replaced'"), ExtendedQuery.Sync()));
            Assert.True(BackendMessages.Types(again) == "EZ", string.Join(", ", again));
            Assert.Equal("42P05", again[0].Fields()['C']);
            Assert.Equal('I', again[1].TransactionStatus());
            Assert.Equal(["FIVE", $"{tag}4"], await RunAsync(client, "stmt", "five"));
        }
    }

    [SkippableFact]
    public async Task A_name_whose_parse_failed_is_free_for_a_new_query_as_on_postgresql()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 2) with { AuthType = AuthType.Trust });
        using var client = await RawPgClient.LogInWithTrustAsync(gateway);

        // node-postgres pipelining: Parse, Bind, Execute, Sync in one batch, the Parse's SQL broken.
        var failed = await SendAsync(client, ExtendedQuery.Concat(ExtendedQuery.Parse("bad-stmt", "select nonsense from"), ExtendedQuery.Run("bad-stmt")));
        Assert.True(BackendMessages.Types(failed) == "EZ", string.Join(", ", failed));
        Assert.Equal("42601", failed[0].Fields()['C']);
        await ExpectAsync(client, ExtendedQuery.Concat(ExtendedQuery.Parse("bad-stmt", "select 'new text'"), ExtendedQuery.Sync()), "1Z");
        Assert.Equal(["new text"], await RunAsync(client, "bad-stmt"));

        // A Parse on its own between transactions is answered by the gateway; the server refuses the
        // text at the first Bind, and from then on the name is just as free.
        await ExpectAsync(client, ExtendedQuery.Concat(ExtendedQuery.Parse("later", "select broken from from"), ExtendedQuery.Sync()), "1Z");
        var refused = await SendAsync(client, ExtendedQuery.Run("later"));
        Assert.True(BackendMessages.Types(refused) == "EZ", string.Join(", ", refused));
        await ExpectAsync(client, ExtendedQuery.Concat(ExtendedQuery.Parse("later", "select 'fixed'"), ExtendedQuery.Sync()), "1Z");
        Assert.Equal(["fixed"], await RunAsync(client, "later"));

        // A statement that did prepare survives a later failure in its batch, as on PostgreSQL.
        var broken = await SendAsync(client, ExtendedQuery.Concat(ExtendedQuery.Parse("other", "select 1/0"), ExtendedQuery.Run("other")));
        Assert.Equal("22012", broken[^2].Fields()['C']);
        var again = await SendAsync(client, ExtendedQuery.Run("other"));
        Assert.Equal("22012", again[^2].Fields()['C']); // not 26000: the statement exists
    }

    [SkippableFact]
    public async Task Sql_deallocate_of_a_name_the_client_prepared_drops_that_name_as_on_postgresql()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 2) with { AuthType = AuthType.Trust });
        using var client = await RawPgClient.LogInWithTrustAsync(gateway);

        // psycopg 3 past prepared_max: its oldest statement is dropped with SQL, between transactions.
        await ExpectAsync(client, ExtendedQuery.Concat(ExtendedQuery.Parse("_pg3_1", "select 'one'"), ExtendedQuery.Run("_pg3_1")), "12DCZ");
        var dropped = await SendAsync(client, RawPgClient.Query("DEALLOCATE _pg3_1"));
        Assert.True(BackendMessages.Types(dropped) == "CZ", string.Join(", ", dropped));
        Assert.Equal("DEALLOCATE", dropped[0].CommandTag());
        var gone = await SendAsync(client, ExtendedQuery.Run("_pg3_1"));
        Assert.Equal("26000", gone[0].Fields()['C']);
        var again = await SendAsync(client, RawPgClient.Query("deallocate prepare _pg3_1;"));
        Assert.Equal("26000", again[0].Fields()['C']);
        Assert.Equal('I', again[^1].TransactionStatus());

        // Inside a transaction the server's own status comes back with the answer.
        await ExpectAsync(client, RawPgClient.Query("begin"), "CZ");
        await ExpectAsync(client, ExtendedQuery.Concat(ExtendedQuery.Parse("_pg3_2", "select 'two'"), ExtendedQuery.Run("_pg3_2")), "12DCZ");
        var inside = await SendAsync(client, RawPgClient.Query("DEALLOCATE \"_pg3_2\""));
        Assert.True(BackendMessages.Types(inside) == "CZ", string.Join(", ", inside));
        Assert.Equal('T', inside[^1].TransactionStatus());
        await ExpectAsync(client, ExtendedQuery.Concat(ExtendedQuery.Parse("_pg3_3", "select 'three'"), ExtendedQuery.Sync()), "1Z");
        var failed = await SendAsync(client, RawPgClient.Query("select 1/0"));
        Assert.Equal('E', failed[^1].TransactionStatus());
        var ignored = await SendAsync(client, RawPgClient.Query("DEALLOCATE _pg3_3"));
        Assert.Equal("25P02", ignored[0].Fields()['C']);
        await ExpectAsync(client, RawPgClient.Query("rollback"), "CZ");
        Assert.Equal(["three"], await RunAsync(client, "_pg3_3"));
    }

    [SkippableFact]
    public async Task A_statement_prepared_right_after_npgsqls_reset_of_a_reopened_connection_survives_the_reset()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 2));
        var connectionString = new NpgsqlConnectionStringBuilder(gateway.ConnectionString(pooling: true)) { MaxPoolSize = 1 }.ConnectionString;
        await using (var first = new NpgsqlConnection(connectionString))
        {
            await first.OpenAsync();
            await using var warm = new NpgsqlCommand("select 1", first);
            await warm.ExecuteScalarAsync();
        }

        // Another client holds a transaction, so the two servers are not interchangeable.
        await using var holder = await gateway.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("select 1", holder, transaction))
        {
            await hold.ExecuteScalarAsync();
        }

        // Reopened from Npgsql's pool: DISCARD ALL goes out in the same write as the Parse of _p1.
        await using var reopened = new NpgsqlConnection(connectionString);
        await reopened.OpenAsync();
        await using var prepared = new NpgsqlCommand("select $1::int + 1", reopened) { Parameters = { new NpgsqlParameter<int> { TypedValue = 0 } } };
        await prepared.PrepareAsync();
        for (var i = 0; i < 5; i++)
        {
            prepared.Parameters[0].Value = i;
            Assert.Equal(i + 1, await prepared.ExecuteScalarAsync().WaitAsync(Bound));
        }
    }

    [SkippableFact]
    public async Task A_server_side_statement_no_client_uses_any_more_is_gone_from_pg_prepared_statements()
    {
        // Npgsql's PrepareTests count rows in pg_prepared_statements; one server, so every query sees it.
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 1));
        const string Count = "select count(*) from pg_prepared_statements where statement like '%answer_probe%'";
        await using var first = await gateway.OpenAsync();
        await using var second = await gateway.OpenAsync();

        await using var mine = new NpgsqlCommand("select 42 as answer_probe", first);
        await mine.PrepareAsync();
        Assert.Equal(42, await mine.ExecuteScalarAsync());
        Assert.Equal(1L, await ScalarAsync(first, Count));
        await mine.UnprepareAsync();
        Assert.Equal(0L, await ScalarAsync(first, Count));

        // Two clients preparing the same text share one; it goes with the last of them.
        await mine.PrepareAsync();
        await using var theirs = new NpgsqlCommand("select 42 as answer_probe", second);
        await theirs.PrepareAsync();
        Assert.Equal(42, await theirs.ExecuteScalarAsync());
        Assert.Equal(1L, await ScalarAsync(second, Count));
        await first.CloseAsync();
        Assert.Equal(42, await theirs.ExecuteScalarAsync());
        Assert.Equal(1L, await ScalarAsync(second, Count));
        await theirs.UnprepareAsync();
        Assert.Equal(0L, await ScalarAsync(second, Count));

        // A client that leaves takes its statements with it.
        await using (var leaving = await gateway.OpenAsync())
        {
            await using var prepared = new NpgsqlCommand("select 42 as answer_probe", leaving);
            await prepared.PrepareAsync();
            Assert.Equal(42, await prepared.ExecuteScalarAsync());
        }
        // Npgsql's close sends Terminate without waiting: the gateway learns of the leave a moment later, and a
        // query of `second` sent at once may reach the shared server first (CI saw 1 here once).
        await Eventually.AssertAsync(() => ScalarAsync(second, Count), c => Equals(c, 0L), Bound,
            "the leaving client's statement gone from pg_prepared_statements");
    }

    [SkippableFact]
    public async Task A_text_prepared_again_after_its_table_changed_type_is_planned_anew_as_on_postgresql()
    {
        // node-postgres type-coercion-tests: the same SQL text before and after the table is recreated.
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 1));
        await using var client = await gateway.OpenAsync();
        await using var other = await gateway.OpenAsync();
        await ExecuteAsync(client, "drop table if exists coerce_probe; create table coerce_probe (v int); insert into coerce_probe values (1)");
        await using (var before = new NpgsqlCommand("select v from coerce_probe", client))
        {
            await before.PrepareAsync();
            Assert.Equal(1, await before.ExecuteScalarAsync());

            await ExecuteAsync(client, "drop table coerce_probe; create table coerce_probe (v text); insert into coerce_probe values ('one')");
            // The statement prepared before the change fails as it would on PostgreSQL...
            var stale = await Assert.ThrowsAsync<PostgresException>(() => before.ExecuteScalarAsync());
            Assert.Equal("0A000", stale.SqlState);
        }
        // ...and the text prepared now, by this client or another, is planned against the new table.
        foreach (var connection in new[] { client, other })
        {
            await using var after = new NpgsqlCommand("select v from coerce_probe", connection);
            await after.PrepareAsync();
            Assert.Equal("one", await after.ExecuteScalarAsync());
        }
        await ExecuteAsync(client, "drop table coerce_probe");
    }

    [SkippableFact]
    public async Task A_statement_prepared_in_a_transaction_that_created_a_type_and_rolled_back_is_not_handed_to_the_next_client()
    {
        // psycopg test_change_type_savepoint: the type is gone with the rollback, the statement is not.
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 1));
        await using var first = await gateway.OpenAsync();
        await using var second = await gateway.OpenAsync();
        const string Sql = "select 'happy'::probe_mood::text";
        await using (var transaction = await first.BeginTransactionAsync())
        {
            await using var create = new NpgsqlCommand("create type probe_mood as enum ('happy', 'sad')", first, transaction);
            await create.ExecuteNonQueryAsync();
            await using var inside = new NpgsqlCommand(Sql, first, transaction);
            await inside.PrepareAsync();
            Assert.Equal("happy", await inside.ExecuteScalarAsync());
            await transaction.RollbackAsync();
        }

        var error = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var again = new NpgsqlCommand(Sql, second);
            await again.PrepareAsync();
            await again.ExecuteScalarAsync();
        });
        Assert.Equal("42704", error.SqlState); // type "probe_mood" does not exist, not XX000 cache lookup failed
    }

    [SkippableFact]
    public async Task A_describe_of_a_statement_prepared_on_another_server_returns_its_parameter_and_row_descriptions()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 3) with { AuthType = AuthType.Trust });
        using var client = await RawPgClient.LogInWithTrustAsync(gateway);
        var preparedOn = await SendAsync(client, ExtendedQuery.Concat(
            ExtendedQuery.Parse("described", "select $1::int4 as answer, $2::text as label"),
            ExtendedQuery.Parse("", "select pg_backend_pid()"), ExtendedQuery.Run("")));
        Assert.True(BackendMessages.Types(preparedOn) == "112DCZ", string.Join(", ", preparedOn));
        var pid = preparedOn[3].Columns()[0]!;

        // Occupy that server with another client's open transaction, so the describe must go elsewhere.
        var holders = new List<(NpgsqlConnection Connection, NpgsqlTransaction Transaction, string Pid)>();
        try
        {
            while (holders.Count < 3 && !holders.Any(h => h.Pid == pid))
            {
                var opening = gateway.OpenAsync();
                if (await Task.WhenAny(opening, Task.Delay(TimeSpan.FromSeconds(10))) != opening)
                {
                    Assert.Fail($"client {holders.Count + 1} could not log in while the others held servers {string.Join(", ", holders.Select(h => h.Pid))} and the describing client had {pid}: servers are held per session");
                }
                var connection = await opening;
                var transaction = await connection.BeginTransactionAsync();
                await using var command = new NpgsqlCommand("select pg_backend_pid()::text", connection);
                holders.Add((connection, transaction, (string)(await command.ExecuteScalarAsync().WaitAsync(Bound))!));
            }
            Assert.True(holders.Any(h => h.Pid == pid), $"no other client got server {pid}; they got {string.Join(", ", holders.Select(h => h.Pid))}");
            foreach (var other in holders.Where(h => h.Pid != pid))
            {
                await other.Transaction.CommitAsync().WaitAsync(Bound);
            }

            var described = await SendAsync(client, ExtendedQuery.Concat(
                ExtendedQuery.Describe('S', "described"), ExtendedQuery.Parse("", "select pg_backend_pid()"), ExtendedQuery.Run("")));
            Assert.True(BackendMessages.Types(described) == "tT12DCZ", string.Join(", ", described));
            Assert.NotEqual(pid, described[4].Columns()[0]);
            Assert.Equal([BackendMessages.Int4Oid, BackendMessages.TextOid], described[0].ParameterTypes());
            Assert.Equal([new RowField("answer", BackendMessages.Int4Oid), new RowField("label", BackendMessages.TextOid)], described[1].RowFields());
            Assert.Equal(["42", "there"], await RunAsync(client, "described", "42", "there"));
        }
        finally
        {
            foreach (var holder in holders)
            {
                await holder.Connection.DisposeAsync();
            }
        }
    }

    [SkippableFact]
    public async Task An_npgsql_prepared_command_keeps_its_column_names_and_types_while_another_client_shares_the_servers()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 2));
        await using var preparer = await gateway.OpenAsync().WaitAsync(Bound);
        await using var other = await gateway.OpenAsync().WaitAsync(Bound);
        await using var prepared = new NpgsqlCommand("select $1 as answer, $2 as label", preparer)
        {
            Parameters = { new NpgsqlParameter<int> { TypedValue = 0 }, new NpgsqlParameter<string> { TypedValue = "" } },
        };
        await prepared.PrepareAsync().WaitAsync(Bound); // Parse + Describe: Npgsql keeps the RowDescription and never asks again

        for (var i = 0; i < 20; i++)
        {
            // The other client takes a server for a transaction now and then, so the prepared command moves around.
            await using (var transaction = await other.BeginTransactionAsync())
            {
                await using var busy = new NpgsqlCommand("select $1::text as something_else, 1.5::float8 as other_type", other) { Parameters = { new NpgsqlParameter<string> { TypedValue = "x" } } };
                await busy.ExecuteScalarAsync().WaitAsync(Bound);
                prepared.Parameters[0].Value = i;
                prepared.Parameters[1].Value = $"label {i}";
                await using (var reader = await prepared.ExecuteReaderAsync().WaitAsync(Bound))
                {
                    Assert.True(await reader.ReadAsync().WaitAsync(Bound));
                    Assert.Equal(("answer", "label"), (reader.GetName(0), reader.GetName(1)));
                    Assert.Equal((typeof(int), typeof(string)), (reader.GetFieldType(0), reader.GetFieldType(1)));
                    Assert.Equal((i, $"label {i}"), (reader.GetInt32(0), reader.GetString(1)));
                }
                await transaction.CommitAsync().WaitAsync(Bound);
            }
        }
        Assert.True(prepared.IsPrepared);
    }

    /// <summary><paramref name="count"/> commands "select $1::int * factor", explicitly prepared in an order that depends on <paramref name="order"/>.</summary>
    private static async Task<List<(int Factor, NpgsqlCommand Command)>> PrepareMultipliersAsync(NpgsqlConnection connection, int count, int order)
    {
        var commands = new List<(int, NpgsqlCommand)>();
        for (var i = 0; i < count; i++)
        {
            var factor = (i + order * 3) % count + 2;
            var command = new NpgsqlCommand($"select $1::int * {factor}", connection) { Parameters = { new NpgsqlParameter<int> { TypedValue = 0 } } };
            await command.PrepareAsync().WaitAsync(Bound);
            commands.Add((factor, command));
        }
        return commands;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().WaitAsync(Bound);
    }


    private static async Task<IReadOnlyList<PgMessage>> SendAsync(RawPgClient client, byte[] messages)
    {
        await client.SendAsync(messages);
        return (await client.ReadUntilReadyForQueryAsync()).Synchronous();
    }

    private static async Task ExpectAsync(RawPgClient client, byte[] messages, string types)
    {
        var answer = await SendAsync(client, messages);
        Assert.True(BackendMessages.Types(answer) == types, $"expected '{types}', got {string.Join(", ", answer)}");
    }

    /// <summary>Bind + Execute + Sync of a named statement; the row's text values.</summary>
    private static async Task<IReadOnlyList<string?>> RunAsync(RawPgClient client, string statement, params string?[] parameters)
    {
        var answer = await SendAsync(client, ExtendedQuery.Run(statement, parameters));
        Assert.True(BackendMessages.Types(answer) == "2DCZ", $"expected a row of {statement}, got {string.Join(", ", answer)}");
        return answer[1].Columns();
    }

    /// <summary>
    /// One client's statements: distinct SQL texts with parameters (more than MaxAutoPrepare, so
    /// Npgsql also closes auto-prepared ones), one text with three parameter types, batches,
    /// transactions, and explicitly prepared commands. Every result is checked.
    /// </summary>
    private sealed class StatementMix
    {
        private readonly NpgsqlConnection _connection;
        private readonly Random _random;
        private readonly List<(int Factor, NpgsqlCommand Command)> _prepared;

        private StatementMix(NpgsqlConnection connection, int client, List<(int, NpgsqlCommand)> prepared)
        {
            _connection = connection;
            _random = new Random(client);
            _prepared = prepared;
        }

        public static async Task<StatementMix> PrepareAsync(NpgsqlConnection connection, int client) =>
            new(connection, client, await PrepareMultipliersAsync(connection, count: 4, order: client));

        public async Task RunOneAsync()
        {
            var a = _random.Next(1, 1000);
            var b = _random.Next(1, 1000);
            switch (_random.Next(10))
            {
                case 0:
                    Assert.Equal(a + b, await ScalarAsync("select $1::int + $2::int", new NpgsqlParameter<int> { TypedValue = a }, new NpgsqlParameter<int> { TypedValue = b }));
                    break;
                case 1:
                    Assert.Equal($"{a}:{b}", await ScalarAsync("select $1::text || ':' || $2::int", new NpgsqlParameter<string> { TypedValue = a.ToString(System.Globalization.CultureInfo.InvariantCulture) }, new NpgsqlParameter<int> { TypedValue = b }));
                    break;
                case 2:
                    // One SQL text, three parameter types: three different statements to PostgreSQL.
                    Assert.Equal(a + 1, await ScalarAsync("select $1 + 1", new NpgsqlParameter<int> { TypedValue = a }));
                    Assert.Equal(a + 1L + int.MaxValue, await ScalarAsync("select $1 + 1", new NpgsqlParameter<long> { TypedValue = a + (long)int.MaxValue }));
                    Assert.Equal(a + 1.25m, await ScalarAsync("select $1 + 1", new NpgsqlParameter<decimal> { TypedValue = a + 0.25m }));
                    break;
                case 3:
                    // 30 texts: more than MaxAutoPrepare, so Npgsql evicts (closes) auto-prepared statements too.
                    var k = _random.Next(30);
                    Assert.Equal(a + k, await ScalarAsync($"select $1::int + {k}", new NpgsqlParameter<int> { TypedValue = a }));
                    break;
                case 4:
                    var rows = a % 20 + 1;
                    await using (var command = new NpgsqlCommand("select g, $1::text from generate_series(1, $2::int) g", _connection)
                    {
                        Parameters = { new NpgsqlParameter<string> { TypedValue = $"r{b}" }, new NpgsqlParameter<int> { TypedValue = rows } },
                    })
                    await using (var reader = await command.ExecuteReaderAsync().WaitAsync(Bound))
                    {
                        var seen = 0;
                        while (await reader.ReadAsync())
                        {
                            Assert.Equal((++seen, $"r{b}"), (reader.GetInt32(0), reader.GetString(1)));
                        }
                        Assert.Equal(rows, seen);
                    }
                    break;
                case 5:
                    await using (var batch = new NpgsqlBatch(_connection)
                    {
                        BatchCommands =
                        {
                            new NpgsqlBatchCommand("select $1::int + $2::int") { Parameters = { new NpgsqlParameter<int> { TypedValue = a }, new NpgsqlParameter<int> { TypedValue = b } } },
                            new NpgsqlBatchCommand("select $1::int * 2") { Parameters = { new NpgsqlParameter<int> { TypedValue = b } } },
                        },
                    })
                    await using (var reader = await batch.ExecuteReaderAsync().WaitAsync(Bound))
                    {
                        Assert.True(await reader.ReadAsync());
                        Assert.Equal(a + b, reader.GetInt32(0));
                        Assert.True(await reader.NextResultAsync() && await reader.ReadAsync());
                        Assert.Equal(b * 2, reader.GetInt32(0));
                    }
                    break;
                case 6:
                    await using (var transaction = await _connection.BeginTransactionAsync())
                    {
                        Assert.Equal(a * 3, await ScalarAsync("select $1::int * 3", new NpgsqlParameter<int> { TypedValue = a }));
                        Assert.Equal($"{b}!", await ScalarAsync("select $1::text || '!'", new NpgsqlParameter<string> { TypedValue = b.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
                        await RunPreparedAsync(b);
                        await transaction.CommitAsync().WaitAsync(Bound);
                    }
                    break;
                case 7:
                    await using (var transaction = await _connection.BeginTransactionAsync())
                    {
                        Assert.Equal(a - 1, await ScalarAsync("select $1::int - 1", new NpgsqlParameter<int> { TypedValue = a }));
                        await transaction.RollbackAsync().WaitAsync(Bound);
                    }
                    break;
                default:
                    await RunPreparedAsync(a);
                    break;
            }
        }

        private async Task RunPreparedAsync(int value)
        {
            var (factor, command) = _prepared[_random.Next(_prepared.Count)];
            command.Parameters[0].Value = value;
            Assert.Equal(value * factor, await command.ExecuteScalarAsync().WaitAsync(Bound));
        }

        private async Task<object?> ScalarAsync(string sql, params NpgsqlParameter[] parameters)
        {
            await using var command = new NpgsqlCommand(sql, _connection);
            command.Parameters.AddRange(parameters);
            return await command.ExecuteScalarAsync().WaitAsync(Bound);
        }
    }
}
