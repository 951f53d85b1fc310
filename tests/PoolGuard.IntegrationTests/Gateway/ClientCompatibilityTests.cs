using Npgsql;
using NpgsqlTypes;
using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// Npgsql through the gateway as an application would use it: every protocol path the relay
/// forwards (simple and extended query, batches, transactions, big results, COPY, notifications).
/// psql and pgbench are in <see cref="PsqlAndPgbenchTests"/>.
/// </summary>
public sealed class ClientCompatibilityTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task Simple_and_multi_statement_queries_return_every_result()
    {
        await using var gateway = GatewayHarness.Start();
        await using var connection = await gateway.OpenAsync();

        // No parameters: Npgsql still uses the extended protocol; a semicolon-joined text is split into a batch.
        await using var command = new NpgsqlCommand("select 1; select 'two'; select null::int", connection);
        await using var reader = await command.ExecuteReaderAsync().WaitAsync(Bound);
        Assert.True(await reader.ReadAsync());
        Assert.Equal(1, reader.GetInt32(0));
        Assert.True(await reader.NextResultAsync() && await reader.ReadAsync());
        Assert.Equal("two", reader.GetString(0));
        Assert.True(await reader.NextResultAsync() && await reader.ReadAsync());
        Assert.True(reader.IsDBNull(0));
        Assert.False(await reader.NextResultAsync());
    }

    [SkippableFact]
    public async Task Parameters_of_common_types_round_trip_unchanged()
    {
        await using var gateway = GatewayHarness.Start();
        await using var connection = await gateway.OpenAsync();
        var stamp = new DateTime(2024, 2, 29, 23, 59, 58, 123, DateTimeKind.Utc);
        byte[] bytes = [0, 1, 2, 254, 255];

        await using var command = new NpgsqlCommand("select $1, $2, $3, $4, $5, $6, $7, $8", connection)
        {
            Parameters =
            {
                new() { Value = 42 },
                new() { Value = long.MaxValue },
                new() { Value = "zażółć gęślą jaźń ✓ 'quoted' \"double\"" },
                new() { Value = 12345.6789m },
                new() { Value = stamp, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                new() { Value = bytes },
                new() { Value = new[] { 1, 2, 3 } },
                new() { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
            },
        };
        await using var reader = await command.ExecuteReaderAsync().WaitAsync(Bound);
        Assert.True(await reader.ReadAsync());
        Assert.Equal(42, reader.GetInt32(0));
        Assert.Equal(long.MaxValue, reader.GetInt64(1));
        Assert.Equal("zażółć gęślą jaźń ✓ 'quoted' \"double\"", reader.GetString(2));
        Assert.Equal(12345.6789m, reader.GetDecimal(3));
        Assert.Equal(stamp, reader.GetFieldValue<DateTime>(4));
        Assert.Equal(bytes, reader.GetFieldValue<byte[]>(5));
        Assert.Equal([1, 2, 3], reader.GetFieldValue<int[]>(6));
        Assert.True(reader.IsDBNull(7));
    }

    [SkippableFact]
    public async Task Transactions_commit_roll_back_and_recover_from_an_error()
    {
        await using var gateway = GatewayHarness.Start();
        await using var connection = await gateway.OpenAsync();
        await ExecuteAsync(connection, "create temp table items (id int primary key)");

        await using (var rolledBack = await connection.BeginTransactionAsync())
        {
            await ExecuteAsync(connection, "insert into items values (1)");
            await rolledBack.RollbackAsync();
        }
        await using (var failed = await connection.BeginTransactionAsync())
        {
            await ExecuteAsync(connection, "insert into items values (2)");
            var duplicate = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, "insert into items values (2)"));
            Assert.Equal("23505", duplicate.SqlState);
            var aborted = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, "select 1"));
            Assert.Equal("25P02", aborted.SqlState);
            await failed.RollbackAsync();
        }
        await using (var committed = await connection.BeginTransactionAsync())
        {
            await ExecuteAsync(connection, "insert into items values (3)");
            await committed.SaveAsync("before_four");
            await ExecuteAsync(connection, "insert into items values (4)");
            await committed.RollbackAsync("before_four");
            await committed.CommitAsync();
        }

        await using var check = new NpgsqlCommand("select coalesce(string_agg(id::text, ',' order by id), '') from items", connection);
        Assert.Equal("3", await check.ExecuteScalarAsync().WaitAsync(Bound));
    }

    [SkippableFact]
    public async Task A_result_of_200000_rows_streams_through_intact()
    {
        await using var gateway = GatewayHarness.Start();
        await using var connection = await gateway.OpenAsync();
        await using var command = new NpgsqlCommand("select g, repeat('x', g % 100) from generate_series(1, 200000) g", connection);

        long rows = 0, sum = 0, text = 0;
        await using (var reader = await command.ExecuteReaderAsync().WaitAsync(Bound))
        {
            while (await reader.ReadAsync())
            {
                var g = reader.GetInt32(0);
                Assert.Equal(g % 100, reader.GetString(1).Length);
                rows++;
                sum += g;
                text += g % 100;
            }
        }
        Assert.Equal(200_000, rows);
        Assert.Equal(200_000L * 200_001 / 2, sum);
        Assert.Equal(Enumerable.Range(1, 200_000).Sum(g => (long)(g % 100)), text);

        // The connection is in step after the big result.
        await using var after = new NpgsqlCommand("select 7", connection);
        Assert.Equal(7, await after.ExecuteScalarAsync().WaitAsync(Bound));
    }

    [SkippableFact]
    public async Task Binary_copy_imports_and_exports_50000_rows()
    {
        const int count = 50_000;
        await using var gateway = GatewayHarness.Start();
        await using var connection = await gateway.OpenAsync();
        await ExecuteAsync(connection, "create temp table copied (id int, name text)");

        await using (var importer = await connection.BeginBinaryImportAsync("copy copied (id, name) from stdin (format binary)"))
        {
            for (var i = 1; i <= count; i++)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(i, NpgsqlDbType.Integer);
                await importer.WriteAsync($"row {i}", NpgsqlDbType.Text);
            }
            Assert.Equal((ulong)count, await importer.CompleteAsync().AsTask().WaitAsync(Bound));
        }

        long sum = 0, rows = 0;
        await using (var exporter = await connection.BeginBinaryExportAsync("copy copied (id, name) to stdout (format binary)"))
        {
            while (await exporter.StartRowAsync() != -1)
            {
                var id = await exporter.ReadAsync<int>();
                Assert.Equal($"row {id}", await exporter.ReadAsync<string>());
                sum += id;
                rows++;
            }
        }
        Assert.Equal(count, rows);
        Assert.Equal((long)count * (count + 1) / 2, sum);
        await using var check = new NpgsqlCommand("select count(*) from copied", connection);
        Assert.Equal((long)count, await check.ExecuteScalarAsync().WaitAsync(Bound));
    }

    [SkippableFact]
    public async Task Listen_notify_delivers_a_notification_in_session_mode()
    {
        await using var gateway = GatewayHarness.Start();
        await using var listener = await gateway.OpenAsync();
        await using var notifier = await gateway.OpenAsync();
        var received = new TaskCompletionSource<NpgsqlNotificationEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, e) => received.TrySetResult(e);
        await ExecuteAsync(listener, "listen poolguard_channel");

        await ExecuteAsync(notifier, "notify poolguard_channel, 'hello through the gateway'");

        // WaitAsync reads the idle connection until an async message (the notification) arrives.
        Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(10)), "no notification within 10 s");
        var notification = await received.Task.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Equal("poolguard_channel", notification.Channel);
        Assert.Equal("hello through the gateway", notification.Payload);
        await using var pid = new NpgsqlCommand("select pg_backend_pid()", notifier);
        Assert.Equal(await pid.ExecuteScalarAsync(), notification.PID);
    }

    [SkippableFact]
    public async Task A_client_asking_for_protocol_3_2_is_negotiated_down_to_3_0_as_postgres_does()
    {
        // libpq 18 with max_protocol_version=latest asks for 3.2 and sends _pq_ options; PostgreSQL
        // answers NegotiateProtocolVersion ('v': newest minor it speaks, options it ignored) and goes on.
        await using var gateway = GatewayHarness.Start(c => c with { AuthType = PoolGuard.Config.Model.AuthType.Trust });
        using var client = await RawPgClient.ConnectAsync(gateway);
        var startup = RawPgClient.Startup(("user", PgSandbox.Roles.App), ("database", "app"), ("_pq_.future_option", "1"));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(startup.AsSpan(4), (3 << 16) | 2);
        await client.SendAsync(startup);

        var login = await client.ReadUntilReadyForQueryAsync();
        var negotiate = login.FirstOrDefault(m => m.TypeChar == 'v');
        Assert.True(negotiate is not null, $"expected NegotiateProtocolVersion, got {string.Join(", ", login)}");
        Assert.Equal(0, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(negotiate.Body) & 0xFFFF);
        Assert.Contains(login, m => m.TypeChar == 'R' && m.AuthCode == 0);
        await client.SendAsync(RawPgClient.Query("select 'spoken in 3.0'"));
        Assert.Equal("spoken in 3.0", (await client.ReadUntilReadyForQueryAsync()).Single(m => m.TypeChar == 'D').Columns()[0]);
    }

    [SkippableFact]
    public async Task A_client_that_half_closes_after_its_query_still_gets_the_result_as_from_postgres()
    {
        // PostgreSQL answers every query it read before the end of stream; so must the gateway.
        await using var gateway = GatewayHarness.Start(c => c with { AuthType = PoolGuard.Config.Model.AuthType.Trust });
        using var client = await RawPgClient.LogInWithTrustAsync(gateway);
        await client.SendAsync(RawPgClient.Query("select 'still delivered' from pg_sleep(0.1)"));
        client.ShutdownSend();

        var answer = new List<PgMessage>();
        while (await client.ReadMessageAsync() is { } message)
        {
            answer.Add(message);
        }
        Assert.Equal("still delivered", answer.SingleOrDefault(m => m.TypeChar == 'D')?.Columns()[0]);
        Assert.Equal('Z', answer.LastOrDefault()?.TypeChar);
        await gateway.AssertPoolSettledAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().WaitAsync(Bound);
    }
}
