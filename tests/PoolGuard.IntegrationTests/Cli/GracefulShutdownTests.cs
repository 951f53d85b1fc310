using System.Text.Json;
using Npgsql;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Cli;

/// <summary>
/// SIGTERM to a real poolguard process while transactions are open: every one of them commits,
/// clients between transactions are told 57P01 at once, and the process exits 0 once the last
/// transaction is done — the drain an orchestrator's rolling restart relies on.
/// </summary>
public sealed class GracefulShutdownTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-shutdown-").FullName;

    [SkippableTheory]
    // Transaction mode: 30 transactions hold the 30 servers, 20 more clients queue for one. The
    // sandbox allows 40 connections, so 50 can never be open on PostgreSQL at once.
    [InlineData("transaction", 30, 20)]
    [InlineData("session", 30, 0)]
    public async Task Sigterm_lets_every_open_transaction_commit_then_exits_0(string mode, int open, int queued)
    {
        PgSandbox.Require();
        await using var table = await ScratchTable.CreateAsync("id int primary key");
        var port = PoolGuardProcess.UnusedPort();
        var config = Path.Combine(_directory, "poolguard.json");
        File.WriteAllText(config, $$"""
            {
              "PoolGuard": {
                "ListenAddress": "127.0.0.1", "ListenPort": {{port}}, "AuthType": "scram-sha-256",
                "PoolMode": "{{mode}}", "DefaultPoolSize": {{open + 1}}, "QueryWaitTimeout": "60s",
                "ShutdownTimeout": "60s", "EventLogFile": "events.jsonl",
                "Databases": { "app": { "Host": "{{PgSandbox.Host}}", "Port": {{PgSandbox.Port}} } },
                "Users": { "{{Roles.App}}": { "Password": "{{Roles.AppPassword}}" } }
              }
            }
            """);
        await using var gateway = await PoolGuardProcess.StartAsync(config, port);
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = Roles.App, Password = Roles.AppPassword, Database = "app",
            Pooling = false, Timeout = 30, CommandTimeout = 60,
        }.ConnectionString;

        var idle = new NpgsqlConnection(connectionString);
        await idle.OpenAsync();
        await Scalar(idle, "select 1");
        var clients = new List<NpgsqlConnection>();
        for (var i = 0; i < open; i++)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await Scalar(connection, "begin");
            await Scalar(connection, $"insert into public.{table.Name} values ({i})");
            clients.Add(connection);
        }
        // Queued before the signal (the pool is full), served during the drain.
        var waiting = new List<(NpgsqlConnection Connection, Task Begin)>();
        for (var i = 0; i < queued; i++)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            waiting.Add((connection, Scalar(connection, "begin")));
        }
        await Task.Delay(300);

        await gateway.SignalAsync("TERM");
        await Task.Delay(500);

        // Between transactions: ended at once with 57P01, while the others are still running.
        var idleError = await Assert.ThrowsAnyAsync<NpgsqlException>(() => Scalar(idle, "select 1"));
        Assert.True(idleError is PostgresException { SqlState: "57P01" } || idleError.InnerException is not null,
            $"expected 57P01 admin_shutdown or a closed connection, got {idleError}");
        Assert.False(gateway.HasExited, $"poolguard exited while transactions were open.\n{gateway.Output()}");

        foreach (var connection in clients)
        {
            await Scalar(connection, "commit");
        }
        for (var i = 0; i < waiting.Count; i++)
        {
            await waiting[i].Begin.WaitAsync(Bound);
            await Scalar(waiting[i].Connection, $"insert into public.{table.Name} values ({open + i})");
            await Scalar(waiting[i].Connection, "commit");
        }
        Assert.Equal(open + queued, await table.CountCommittedRowsAsync());

        // The transaction done, each client is told the gateway is going away.
        foreach (var connection in clients.Concat(waiting.Select(w => w.Connection)))
        {
            var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => Scalar(connection, "select 1"));
            Assert.True(error is PostgresException { SqlState: "57P01" } || error.InnerException is not null, $"got {error}");
            await connection.DisposeAsync();
        }
        await idle.DisposeAsync();

        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(20)), $"poolguard did not exit after the drain.\n{gateway.Output()}");
        Assert.True(gateway.Result().ExitCode == 0, gateway.Result().ToString());

        var events = File.ReadAllLines(Path.Combine(_directory, "events.jsonl")).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var started = Assert.Single(events, e => e.GetProperty("kind").GetString() == "shutdown_started");
        Assert.Equal(open + queued + 1, started.GetProperty("numbers").GetProperty("clients").GetInt64());
        Assert.Equal("stopped", events[^1].GetProperty("kind").GetString());
        Assert.True(events.Select(e => e.GetProperty("seq").GetInt64()).SequenceEqual(events.Select(e => e.GetProperty("seq").GetInt64()).Order()),
            "events must be written in sequence order");
    }

    private static async Task Scalar(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().WaitAsync(Bound);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
