using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using static PoolGuard.IntegrationTests.Infrastructure.NpgsqlScalar;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// Transaction pooling: a server belongs to a client for one transaction (an extended-protocol batch
/// up to Sync, a failed transaction up to its ROLLBACK, a COPY up to its end) and then serves the
/// next one; each client keeps its own session settings on whichever server it lands.
/// </summary>
public sealed class TransactionPoolingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Long enough for a gateway that wrongly hands the server over to have done so.</summary>
    private static readonly TimeSpan WhileHeld = TimeSpan.FromMilliseconds(500);

    private static PoolGuardConfig TransactionMode(PoolGuardConfig config, int poolSize) =>
        config with { PoolMode = PoolMode.Transaction, DefaultPoolSize = poolSize };

    [SkippableFact]
    public async Task Two_hundred_clients_connected_at_once_share_five_servers_and_postgres_never_sees_more_than_five_backends()
    {
        const int clients = 200, transactionsEach = 5, poolSize = 5;
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize) with { MaxClientConn = 300 });
        await PgSandbox.WaitForNoBackendsAsync();
        await using var monitor = await PgSandbox.OpenSuperuserAsync();
        await using var count = new NpgsqlCommand("select count(*) from pg_stat_activity where usename = 'app_user' and datname = 'app'", monitor);
        await using var backends = Sampler.Start(TimeSpan.FromMilliseconds(10), async token => (int)(long)(await count.ExecuteScalarAsync(token))!);

        // All 200 are logged in before any of them runs a query: in session mode only 5 could be.
        await using var crowd = await ClientCrowd.OpenAsync(clients, _ => gateway.ConnectionString(), TimeSpan.FromSeconds(20));
        Assert.Equal(clients, gateway.Server.ClientConnections);

        var pids = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentQueue<string>();
        await Task.WhenAll(crowd.Connections.Select(async (connection, client) =>
        {
            try
            {
                for (var i = 0; i < transactionsEach; i++)
                {
                    var value = client * 100 + i;
                    await using var transaction = await connection.BeginTransactionAsync();
                    await using var command = new NpgsqlCommand("select pg_backend_pid(), $1::int from pg_sleep(0.01)", connection, transaction)
                    {
                        Parameters = { new NpgsqlParameter<int> { TypedValue = value } },
                    };
                    await using (var reader = await command.ExecuteReaderAsync())
                    {
                        Assert.True(await reader.ReadAsync());
                        pids.TryAdd(reader.GetInt32(0), 0);
                        Assert.Equal(value, reader.GetInt32(1));
                    }
                    await transaction.CommitAsync();
                }
            }
            catch (Exception ex)
            {
                failures.Enqueue($"client {client}: {ex.GetType().Name}: {ex.Message}");
            }
        })).WaitAsync(TimeSpan.FromSeconds(90));
        await backends.StopAsync();

        Assert.True(failures.IsEmpty, $"{failures.Count} of {clients} clients failed; first: {failures.FirstOrDefault()}");
        Assert.True(backends.Failures == 0, $"the pg_stat_activity sampler failed: {backends.LastFailure}");
        Assert.True(backends.Samples.Count >= 5, $"only {backends.Samples.Count} samples of pg_stat_activity");
        Assert.InRange(backends.Max, 1, poolSize);
        Assert.InRange(pids.Count, 1, poolSize);
        await crowd.DisposeAsync();
        await gateway.AssertPoolSettledAsync();
    }

    [SkippableFact]
    public async Task A_failed_transaction_keeps_its_server_until_the_client_rolls_back()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 1));
        await using var failing = await OpenAsync(gateway);
        await using var other = await OpenAsync(gateway);

        await using var transaction = await failing.BeginTransactionAsync();
        var pid = await ScalarAsync(failing, "select pg_backend_pid()");
        var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(failing, "select 1/0"));
        Assert.Equal("22012", error.SqlState);

        // The only server is in the failed transaction: the other client waits instead of landing in it.
        var waiting = ScalarAsync(other, "select pg_backend_pid()");
        await Task.Delay(WhileHeld);
        AssertStillWaiting(waiting, "the other client ran on the server of a failed transaction");
        var aborted = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(failing, "select 1"));
        Assert.Equal("25P02", aborted.SqlState); // still in its own failed transaction, on its server

        await transaction.RollbackAsync().WaitAsync(Bound);
        Assert.Equal(pid, await waiting.WaitAsync(Bound));
        Assert.Equal(1, await ScalarAsync(failing, "select 1"));
        Assert.Equal(2, await ScalarAsync(other, "select 2"));
        Assert.Equal(0L, await SandboxDatabase.CountIdleInTransactionAsync());
    }

    [SkippableFact]
    public async Task Copy_in_and_copy_out_keep_the_only_server_until_done_while_another_client_waits()
    {
        const int rows = 20_000;
        await using var table = await ScratchTable.CreateAsync("id int primary key, name text", "copy");
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 1));
        await using var copier = await OpenAsync(gateway);
        await using var other = await OpenAsync(gateway);

        Task<object?> waiting = Task.FromResult<object?>(null);
        await ImportAsync().WaitAsync(Bound);
        Assert.Equal((long)rows, await waiting.WaitAsync(Bound)); // it waited for the whole COPY
        Assert.Equal(rows, await table.CountCommittedRowsAsync());

        // Each row 20 times, some 6 MB, read slowly at first: the server is still sending when the
        // other client asks, and nothing of that client's may get in between.
        const int copies = 20;
        long exported = 0, sum = 0;
        using (var export = await copier.BeginTextExportAsync($"copy (select id, name from {table.Name}, generate_series(1, {copies})) to stdout").WaitAsync(Bound))
        {
            for (var i = 0; i < 10; i++)
            {
                Count(await export.ReadLineAsync().WaitAsync(Bound));
            }
            waiting = ScalarAsync(other, "select 'after the copy'");
            await Task.Delay(WhileHeld);
            while (await export.ReadLineAsync().WaitAsync(Bound) is { } line)
            {
                Count(line);
            }
        }
        Assert.Equal((long)rows * copies, exported);
        Assert.Equal((long)rows * (rows + 1) / 2 * copies, sum);
        Assert.Equal("after the copy", await waiting.WaitAsync(Bound));
        Assert.Equal((long)rows, await ScalarAsync(copier, $"select count(*) from {table.Name}"));

        async Task ImportAsync()
        {
            await using var import = await copier.BeginTextImportAsync($"copy {table.Name} (id, name) from stdin");
            for (var id = 1; id <= rows / 2; id++)
            {
                await import.WriteLineAsync($"{id}\trow {id}");
            }
            waiting = ScalarAsync(other, $"select count(*) from {table.Name}");
            await Task.Delay(WhileHeld);
            AssertStillWaiting(waiting, "another client ran on the server in the middle of COPY FROM STDIN");
            for (var id = rows / 2 + 1; id <= rows; id++)
            {
                await import.WriteLineAsync($"{id}\trow {id}");
            }
        } // disposing the writer ends the COPY and commits it

        void Count(string? line)
        {
            Assert.NotNull(line);
            var fields = line.Split('\t');
            var id = int.Parse(fields[0], CultureInfo.InvariantCulture);
            Assert.Equal($"row {id}", fields[1]);
            exported++;
            sum += id;
        }
    }

    [SkippableFact]
    public async Task A_client_that_vanishes_mid_transaction_leaves_no_row_and_no_open_transaction_behind()
    {
        await using var table = await ScratchTable.CreateAsync("id int primary key", "vanish");
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 1) with { AuthType = AuthType.Trust });
        using (var client = await RawPgClient.LogInWithTrustAsync(gateway))
        {
            await client.SendAsync(RawPgClient.Query($"begin; insert into {table.Name} values (1); select 'inserted'"));
            var answer = await client.ReadUntilReadyForQueryAsync();
            Assert.DoesNotContain(answer, m => m.TypeChar == 'E');
            Assert.Equal('T', answer[^1].TransactionStatus());
            client.CloseAbruptly();
        }

        await gateway.AssertPoolSettledAsync();
        await Eventually.AssertAsync(() => SandboxDatabase.CountIdleInTransactionAsync(), n => n == 0, Bound,
            "a backend of app_user is still idle in the vanished client's transaction");
        Assert.Equal(0, await table.CountCommittedRowsAsync());

        // The pool's only server (reused or replaced) is clean: no open transaction, no row.
        await using var next = await OpenAsync(gateway);
        Assert.Equal(0L, await ScalarAsync(next, $"select count(*) from {table.Name}"));
        await using (var transaction = await next.BeginTransactionAsync())
        {
            await ScalarAsync(next, $"insert into {table.Name} values (1)"); // no duplicate key, no lock wait
            await transaction.CommitAsync().WaitAsync(Bound);
        }
        Assert.Equal(1, await table.CountCommittedRowsAsync());
    }

    [SkippableFact]
    public async Task A_client_that_vanishes_after_parse_bind_execute_without_sync_leaves_no_statement_behind()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 1) with { AuthType = AuthType.Trust });
        using (var client = await RawPgClient.LogInWithTrustAsync(gateway))
        {
            await client.SendAsync(ExtendedQuery.Concat(
                ExtendedQuery.Parse("s1", "select $1::int + 1"), ExtendedQuery.Bind("", "s1", "1"), ExtendedQuery.Execute(), ExtendedQuery.Flush()));
            // Flush, not Sync: the answer proves a server ran it, and the batch is still open there.
            var answered = new List<PgMessage>();
            while (answered.Synchronous().Count < 4)
            {
                answered.Add(await client.ReadMessageAsync() ?? throw new InvalidDataException($"closed after {BackendMessages.Types(answered)}"));
            }
            Assert.Equal("12DC", BackendMessages.Types(answered));
            Assert.Equal("2", answered.Synchronous()[2].Columns()[0]);
            client.CloseAbruptly();
        }

        await gateway.AssertPoolSettledAsync();
        using var next = await RawPgClient.LogInWithTrustAsync(gateway);
        await next.SendAsync(ExtendedQuery.Concat(ExtendedQuery.Parse("s1", "select $1::int * 10"), ExtendedQuery.Run("s1", "7")));
        var answer = (await next.ReadUntilReadyForQueryAsync()).Synchronous();
        Assert.True(BackendMessages.Types(answer) == "12DCZ", $"expected a fresh s1, got {string.Join(", ", answer)}");
        Assert.Equal("70", answer[2].Columns()[0]);
        Assert.Equal('I', answer[^1].TransactionStatus());
    }

    [SkippableFact]
    public async Task Interleaved_clients_on_one_server_each_keep_their_own_search_path_time_zone_and_application_name()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 1));
        await using var tokyo = await OpenAsync(gateway, b => { b.SearchPath = "tenant_tokyo, public"; b.Timezone = "Asia/Tokyo"; b.ApplicationName = "client-tokyo"; });
        await using var lisbon = await OpenAsync(gateway, b => { b.SearchPath = "tenant_lisbon"; b.Timezone = "Europe/Lisbon"; b.ApplicationName = "client-lisbon"; });

        const string settings = "select current_setting('search_path') || ' | ' || current_setting('TimeZone') || ' | ' || current_setting('application_name') || ' | ' || pg_backend_pid()";
        var pids = new HashSet<string>();
        for (var i = 0; i < 50; i++)
        {
            Check(await ScalarAsync(tokyo, settings), "tenant_tokyo, public | Asia/Tokyo | client-tokyo", i);
            Check(await ScalarAsync(lisbon, settings), "tenant_lisbon | Europe/Lisbon | client-lisbon", i);
        }
        // One server served both all along: the settings were really switched under them.
        Assert.Single(pids);

        void Check(object? actual, string expected, int round)
        {
            var text = (string)actual!;
            var cut = text.LastIndexOf(" | ", StringComparison.Ordinal);
            Assert.True(text[..cut] == expected, $"round {round}: expected '{expected}', got '{text[..cut]}'");
            pids.Add(text[(cut + 3)..]);
        }
    }

    [SkippableFact]
    public async Task A_set_outside_a_transaction_warns_each_client_once_about_transaction_pooling()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 2));
        await using var first = await OpenAsync(gateway);
        await using var second = await OpenAsync(gateway);
        var firstNotices = Collect(first);
        var secondNotices = Collect(second);

        await ScalarAsync(first, "set work_mem = '8MB'");
        Assert.Single(firstNotices);
        Assert.Equal("WARNING", firstNotices.Single().InvariantSeverity);
        Assert.Contains("transaction pooling", firstNotices.Single().MessageText, StringComparison.Ordinal);

        await ScalarAsync(first, "set work_mem = '16MB'");
        await ScalarAsync(first, "select 1");
        Assert.Single(firstNotices); // once per client, not per SET

        await ScalarAsync(second, "set work_mem = '8MB'");
        Assert.Single(secondNotices); // every client hears it once
        Assert.Contains("transaction pooling", secondNotices.Single().MessageText, StringComparison.Ordinal);

        static ConcurrentQueue<PostgresNotice> Collect(NpgsqlConnection connection)
        {
            var notices = new ConcurrentQueue<PostgresNotice>();
            connection.Notice += (_, e) => notices.Enqueue(e.Notice);
            return notices;
        }
    }

    private static void AssertStillWaiting(Task<object?> task, string what)
    {
        if (task.IsCompleted)
        {
            Assert.Fail($"{what}: {(task.IsCompletedSuccessfully ? $"it got {task.Result}" : task.Exception?.GetBaseException().Message)}");
        }
    }

    /// <summary>
    /// Opens one more client, bounded: with fewer servers than clients, a gateway that holds servers
    /// per session never logs this one in, and the test must say so rather than wait.
    /// </summary>
    private static async Task<NpgsqlConnection> OpenAsync(GatewayHarness gateway, Action<NpgsqlConnectionStringBuilder>? customize = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(gateway.ConnectionString());
        customize?.Invoke(builder);
        var connection = new NpgsqlConnection(builder.ConnectionString);
        var opening = connection.OpenAsync();
        if (await Task.WhenAny(opening, Task.Delay(TimeSpan.FromSeconds(10))) != opening)
        {
            _ = opening.ContinueWith(_ => connection.Dispose(), TaskScheduler.Default);
            Assert.Fail($"a client could not log in within 10 s while {gateway.Server.ClientConnections - 1} others were connected: is the server held per session?");
        }
        try
        {
            await opening;
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    [SkippableFact]
    public async Task A_client_with_an_application_name_never_seen_before_logs_in_while_every_server_is_busy()
    {
        // Each distinct name used to be tried on a server at login; any printable name is taken as it is now.
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 1) with { AuthType = AuthType.Trust });
        await using var holder = await gateway.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("select 1", holder, transaction))
        {
            await hold.ExecuteScalarAsync();
        }

        using var newcomer = await RawPgClient.ConnectAsync(gateway);
        await newcomer.SendAsync(RawPgClient.Startup(("user", PgSandbox.Roles.App), ("database", "app"), ("application_name", "never-seen-before 42")));
        await newcomer.ReadUntilReadyForQueryAsync(TimeSpan.FromSeconds(5));
        await newcomer.SendAsync(RawPgClient.Query("show application_name"));
        var answer = newcomer.ReadUntilReadyForQueryAsync(Bound);
        await Task.Delay(WhileHeld);
        Assert.False(answer.IsCompleted, "the newcomer ran a query while the only server was in another client's transaction");
        await transaction.CommitAsync();
        Assert.Equal("never-seen-before 42", (await answer).Single(m => m.TypeChar == 'D').Columns()[0]);
    }

    [SkippableFact]
    public async Task A_setting_a_client_set_outside_a_transaction_never_reaches_the_next_client_of_that_server()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 1));
        await using var setter = await gateway.OpenAsync();
        await using var next = await gateway.OpenAsync();
        var fresh = await ScalarAsync(next, "show work_mem");
        await using (var set = new NpgsqlCommand("set work_mem = '77MB'", setter))
        {
            await set.ExecuteNonQueryAsync(); // not kept for it (it is warned), and not to leak either
        }
        Assert.Equal(fresh, await ScalarAsync(next, "show work_mem"));
        Assert.Equal(fresh, await ScalarAsync(setter, "show work_mem"));
    }

    [SkippableFact]
    public async Task A_session_setting_changed_inside_a_committed_transaction_stays_with_its_client_and_never_reaches_the_next()
    {
        // psycopg's read-only tests: the setting lasts for the session, and the session is the client's.
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 1));
        await using var readOnly = await gateway.OpenAsync();
        await using var other = await gateway.OpenAsync();
        await using (var transaction = await readOnly.BeginTransactionAsync())
        {
            await using var set = new NpgsqlCommand("set default_transaction_read_only to on", readOnly, transaction);
            await set.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }
        var pid = await ScalarAsync(readOnly, "select pg_backend_pid()");

        // The pool's only server: the next client gets it as a fresh server would be.
        Assert.Equal(pid, await ScalarAsync(other, "select pg_backend_pid()"));
        Assert.Equal("off", await ScalarAsync(other, "show default_transaction_read_only"));
        await using (var write = new NpgsqlCommand("create temp table scratch_write (id int) on commit drop", other))
        {
            await write.ExecuteNonQueryAsync();
        }

        Assert.Equal("on", await ScalarAsync(readOnly, "show default_transaction_read_only"));
        var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var write = new NpgsqlCommand("create temp table scratch_write (id int) on commit drop", readOnly);
            await write.ExecuteNonQueryAsync();
        });
        Assert.Equal("25006", refused.SqlState);
    }

    [SkippableFact]
    public async Task Only_a_set_of_a_setting_that_is_really_lost_earns_the_warning_and_the_server_notices_come_first()
    {
        await using var gateway = GatewayHarness.Start(c => TransactionMode(c, poolSize: 2) with { AuthType = AuthType.Trust });
        using var client = await RawPgClient.LogInWithTrustAsync(gateway);

        // TimeZone and application_name are reported by PostgreSQL and carried to every server: no warning.
        foreach (var sql in new[] { "set timezone = 'America/New_York'", "set application_name = 'renamed'", "reset timezone" })
        {
            await client.SendAsync(RawPgClient.Query(sql));
            var answer = await client.ReadUntilReadyForQueryAsync(Bound);
            Assert.DoesNotContain(answer, m => m.TypeChar == 'N');
        }

        // work_mem is not carried: the client is told, once, after anything the server said itself.
        await client.SendAsync(RawPgClient.Query("do $$ begin raise notice 'from the server'; end $$; set work_mem = '8MB'"));
        var notices = (await client.ReadUntilReadyForQueryAsync(Bound)).Where(m => m.TypeChar == 'N').Select(m => m.Fields()['M']).ToList();
        Assert.Equal(2, notices.Count);
        Assert.Equal("from the server", notices[0]);
        Assert.Contains("not kept", notices[1], StringComparison.Ordinal);

        await client.SendAsync(RawPgClient.Query("set work_mem = '16MB'"));
        Assert.DoesNotContain(await client.ReadUntilReadyForQueryAsync(Bound), m => m.TypeChar == 'N');
    }
}
