using System.Text.Json;
using Npgsql;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Monitoring;

/// <summary>
/// `poolguard diagnose` and /api/diagnosis against the real sandbox PostgreSQL, one cause staged at a time, each
/// with its look-alikes ruled out: connection exhaustion by an application connecting directly, slow queries
/// under capacity, a row lock with sessions queued behind it, clients queued behind a pool of 2, a burst refused
/// at max_client_conn, an unreachable database.
/// </summary>
public sealed class DiagnoseTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>The application names the tests stage causes under.</summary>
    private static readonly string[] Staged = ["orders-api", "report-job", "billing-batch", "checkout"];
    private readonly List<NpgsqlConnection> _connections = [];
    private readonly List<Task> _running = [];
    private FullPool? _full;
    private AdminHttpHarness? _http;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_full is not null)
        {
            await _full.DisposeAsync();
        }
        if (_http is not null)
        {
            await _http.DisposeAsync();
        }
        // End the staged sessions from the server side first (a connection cannot be closed while its query runs),
        // so no sleep or lock wait leaks into the next test's diagnosis.
        if (_connections.Count > 0)
        {
            await using var superuser = await PgSandbox.OpenSuperuserAsync();
            await using var terminate = new NpgsqlCommand(
                "select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = any(@names) and pid <> pg_backend_pid()", superuser);
            terminate.Parameters.AddWithValue("names", Staged);
            await terminate.ExecuteScalarAsync().WaitAsync(Bound);
        }
        foreach (var task in _running)
        {
            await Task.WhenAny(task, Task.Delay(Bound));
        }
        foreach (var connection in _connections)
        {
            try
            {
                await connection.DisposeAsync();
            }
            catch (NpgsqlException)
            {
                // Terminated above.
            }
        }
        NpgsqlConnection.ClearAllPools();
    }

    private async Task<NpgsqlConnection> OpenDirectAsync(string application, string? connectionString = null)
    {
        var connection = new NpgsqlConnection(connectionString ?? PgSandbox.DirectConnectionString(Roles.App, Roles.AppPassword, applicationName: application));
        _connections.Add(connection);
        await connection.OpenAsync().WaitAsync(Bound);
        return connection;
    }

    /// <summary>Starts <paramref name="sql"/> on the connection and leaves it running.</summary>
    private void Start(NpgsqlConnection connection, string sql)
    {
        _running.Add(Task.Run(async () =>
        {
            try
            {
                await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 120 };
                await command.ExecuteNonQueryAsync();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ObjectDisposedException)
            {
                // Ended by the test's cleanup.
            }
        }));
    }

    /// <summary>The sandbox's app database as a responder gives it to --database: a libpq string, as the pg_monitor role.</summary>
    private static string WatchLogin => $"host={PgSandbox.Host} port={PgSandbox.Port} dbname=app user={Roles.Watch} password={Roles.WatchPassword}";

    /// <summary>`poolguard diagnose … --format json` as a user runs it; its exit code and the parsed report.</summary>
    private static async Task<(int Exit, JsonElement Report)> DiagnoseAsync(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost,
            [PoolGuardProcess.Executable, "diagnose", .. arguments, "--format", "json"], Bound);
        Assert.True(result.Stdout.TrimStart().StartsWith('{'), result.ToString());
        return (result.ExitCode, JsonDocument.Parse(result.Stdout).RootElement);
    }

    private static JsonElement Finding(JsonElement report, string cause) =>
        report.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("cause").GetString() == cause);

    private static string Status(JsonElement report, string cause) => Finding(report, cause).GetProperty("status").GetString()!;

    private static string Top(JsonElement report) => report.GetProperty("findings")[0].GetProperty("cause").GetString()!;

    /// <summary>A gateway whose watcher samples the sandbox every second, so /api/diagnosis has the database's side too.</summary>
    private static Task<AdminHttpHarness> StartWatchedGatewayAsync(Func<PoolGuard.Config.Model.PoolGuardConfig, PoolGuard.Config.Model.PoolGuardConfig> customize) =>
        AdminHttpHarness.StartAsync(c => customize(c with { WatchUser = Roles.Watch, WatchPassword = Roles.WatchPassword, WatchInterval = TimeSpan.FromSeconds(1) }));

    private static async Task<JsonElement> ApiDiagnosisAsync(AdminHttpHarness http, int seconds) =>
        JsonDocument.Parse(await http.GetStringAsync($"/api/diagnosis?seconds={seconds}").WaitAsync(Bound)).RootElement;

    [SkippableFact]
    public async Task An_application_that_holds_every_connection_directly_is_named_as_connection_exhaustion()
    {
        PgSandbox.Require();
        // The outage: an application with an unlimited pool opens connections straight to PostgreSQL until refused.
        var refused = false;
        for (var i = 0; i < 100 && !refused; i++)
        {
            try
            {
                await OpenDirectAsync("orders-api");
            }
            catch (PostgresException ex) when (ex.SqlState == "53300")
            {
                refused = true;
                _connections.RemoveAt(_connections.Count - 1);
            }
        }
        Assert.True(refused, "PostgreSQL refused the application at max_connections");

        // A responder connects as the superuser, whose reserved slots are still free.
        var (exit, report) = await DiagnoseAsync("--database", PgSandbox.SuperuserConnectionString!, "--seconds", "2");

        Assert.Equal(2, exit);
        Assert.Equal("failing", report.GetProperty("health").GetString());
        Assert.Equal("connection_exhaustion", Top(report));
        Assert.Equal("confirmed", Status(report, "connection_exhaustion"));
        Assert.Contains("'orders-api' holds", Finding(report, "connection_exhaustion").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("orders-api", report.GetProperty("verdict").GetString(), StringComparison.Ordinal);
        Assert.Equal("ruled_out", Status(report, "slow_queries"));
        Assert.Equal("ruled_out", Status(report, "lock_contention"));
        Assert.Equal("ruled_out", Status(report, "database_unreachable"));
    }

    [SkippableFact]
    public async Task Slow_queries_under_capacity_are_slow_queries_with_exhaustion_ruled_out()
    {
        PgSandbox.Require();
        for (var i = 0; i < 2; i++)
        {
            Start(await OpenDirectAsync("report-job"), "select pg_sleep(60)");
        }
        await Task.Delay(TimeSpan.FromSeconds(4));

        var (exit, report) = await DiagnoseAsync("--database", WatchLogin, "--seconds", "2");

        Assert.Equal(1, exit);
        Assert.Equal("slow_queries", Top(report));
        Assert.Equal("confirmed", Status(report, "slow_queries"));
        Assert.Contains("'report-job'", Finding(report, "slow_queries").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal("ruled_out", Status(report, "connection_exhaustion"));
        Assert.Equal("ruled_out", Status(report, "lock_contention"));
        Assert.Equal("ruled_out", Status(report, "traffic_surge"));
    }

    [SkippableFact]
    public async Task A_row_lock_with_sessions_queued_behind_it_is_lock_contention_naming_the_blocking_pid()
    {
        PgSandbox.Require();
        var holder = await OpenDirectAsync("billing-batch");
        await using (var create = new NpgsqlCommand("create table if not exists diagnose_lock (id int primary key, v int); insert into diagnose_lock values (1, 0) on conflict do nothing", holder))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using (var take = new NpgsqlCommand("begin; update diagnose_lock set v = v + 1 where id = 1", holder))
        {
            await take.ExecuteNonQueryAsync();
        }
        await using var pidCommand = new NpgsqlCommand("select pg_backend_pid()", holder);
        var blocker = (int)(await pidCommand.ExecuteScalarAsync())!;
        for (var i = 0; i < 2; i++)
        {
            Start(await OpenDirectAsync("checkout"), "update diagnose_lock set v = v + 1 where id = 1");
        }
        await Task.Delay(TimeSpan.FromSeconds(5));

        var (exit, report) = await DiagnoseAsync("--database", WatchLogin, "--seconds", "2");

        Assert.Equal(1, exit);
        Assert.Equal("lock_contention", Top(report));
        var locks = Finding(report, "lock_contention");
        Assert.Equal("confirmed", locks.GetProperty("status").GetString());
        Assert.Contains($"blocked by pid {blocker}", locks.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains(locks.GetProperty("evidence").EnumerateArray(), e => e.GetString()!.StartsWith($"pid {blocker} blocks 2", StringComparison.Ordinal));
        Assert.Equal("ruled_out", Status(report, "slow_queries")); // the waiting updates are waits, not slow queries
        Assert.Equal("ruled_out", Status(report, "connection_exhaustion"));
    }

    [SkippableFact]
    public async Task Clients_queued_behind_a_pool_of_2_are_pool_saturation_with_the_database_headroom_shown()
    {
        _http = await StartWatchedGatewayAsync(c => c with { DefaultPoolSize = 2 });
        _full = await FullPool.StartAsync(_http.Gateway, servers: 2);

        var report = await ApiDiagnosisAsync(_http, seconds: 3);

        Assert.Equal("degraded", report.GetProperty("health").GetString());
        Assert.Equal("pool_saturation", Top(report));
        var saturation = Finding(report, "pool_saturation");
        Assert.Equal("confirmed", saturation.GetProperty("status").GetString());
        Assert.Contains($"pool app/{Roles.App} is full", saturation.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains(saturation.GetProperty("evidence").EnumerateArray(), e => e.GetString()!.Contains("the pool's size, not PostgreSQL, is the limit", StringComparison.Ordinal));
        Assert.Equal("ruled_out", Status(report, "connection_exhaustion"));
        Assert.Equal("ruled_out", Status(report, "traffic_surge"));
        Assert.Equal("ruled_out", Status(report, "database_unreachable"));
    }

    [SkippableFact]
    public async Task A_burst_refused_at_max_client_conn_is_a_traffic_surge_at_the_gateway_with_the_database_healthy()
    {
        _http = await StartWatchedGatewayAsync(c => c with { MaxClientConn = 5 });
        var burst = Enumerable.Range(0, 20).Select(async _ =>
        {
            try
            {
                await using var connection = await _http.Gateway.OpenAndQueryAsync();
                await Task.Delay(500);
                return true;
            }
            catch (PostgresException ex) when (ex.SqlState == "53300")
            {
                return false;
            }
        }).ToList();
        var served = await Task.WhenAll(burst).WaitAsync(Bound);
        Assert.Contains(false, served);

        var report = await ApiDiagnosisAsync(_http, seconds: 2);

        Assert.Equal("failing", report.GetProperty("health").GetString());
        Assert.Equal("traffic_surge", Top(report));
        Assert.Equal("confirmed", Status(report, "traffic_surge"));
        Assert.Contains("max_client_conn", Finding(report, "traffic_surge").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal("ruled_out", Status(report, "connection_exhaustion"));
        Assert.Equal("ruled_out", Status(report, "database_unreachable"));
    }

    [SkippableFact]
    public async Task An_unreachable_database_fails_and_an_unreachable_gateway_alone_cannot_tell()
    {
        PgSandbox.Require();
        var closed = PoolGuardProcess.UnusedPort();

        var (exit, report) = await DiagnoseAsync("--database", $"host=127.0.0.1 port={closed} dbname=app user=app_user", "--seconds", "1");
        Assert.Equal(2, exit);
        Assert.Equal("database_unreachable", Top(report));
        Assert.Contains("cannot be sampled", Finding(report, "database_unreachable").GetProperty("summary").GetString(), StringComparison.Ordinal);

        var (unknownExit, unknown) = await DiagnoseAsync("--gateway", $"http://127.0.0.1:{closed}", "--seconds", "1");
        Assert.Equal(3, unknownExit);
        Assert.Equal("unknown", unknown.GetProperty("health").GetString());
        Assert.Contains($"cannot read the gateway at http://127.0.0.1:{closed}", unknown.GetProperty("verdict").GetString(), StringComparison.Ordinal);
    }
}
