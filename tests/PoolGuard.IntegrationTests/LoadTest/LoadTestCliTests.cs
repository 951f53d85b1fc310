using System.Globalization;
using System.Text.Json;
using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.LoadTest;

/// <summary>
/// `poolguard loadtest` as a user runs it: the real executable against the sandbox PostgreSQL, each workload briefly,
/// its counts checked against what the database itself recorded, thresholds and setup errors by exit code.
/// </summary>
public sealed class LoadTestCliTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly string _database = $"loadtest_{Guid.NewGuid():N}"[..24];
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-loadtest-").FullName;
    private bool _created;

    public async Task InitializeAsync()
    {
        if (PgSandbox.SuperuserConnectionString is null)
        {
            return;
        }
        await using var superuser = await PgSandbox.OpenSuperuserAsync();
        await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {_database} OWNER {PgSandbox.Roles.App}", superuser);
        await create.ExecuteNonQueryAsync();
        _created = true;
    }

    public async Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        if (_created)
        {
            await using var superuser = await PgSandbox.OpenSuperuserAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", superuser);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private string Connection(string? database = null) =>
        $"Host={PgSandbox.Host};Port={PgSandbox.Port};Database={database ?? _database};Username={PgSandbox.Roles.App}";

    private string Store => Path.Combine(_directory, "history.db");

    /// <summary>The executable with the sandbox password, its history kept in this test's folder, not the home directory.</summary>
    private Task<ProcessResult> LoadTestAsync(string password, params string[] arguments)
    {
        var environment = ProcessRunner.PgEnvironment(password);
        environment["POOLGUARD_LOADTEST_STORE"] = Store;
        return ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, "loadtest", .. arguments], Bound, environment);
    }

    private async Task<JsonElement> ResultAsync(string file) => JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement.GetProperty("result");

    [SkippableFact]
    public async Task Tpcb_like_after_init_records_exactly_as_many_transactions_as_rows_it_added_to_the_history()
    {
        PgSandbox.Require();
        var json = Path.Combine(_directory, "tpcb.json");

        var run = await LoadTestAsync(PgSandbox.Roles.AppPassword, "tpcb-like", "-c", Connection(), "--init", "--scale", "1", "--clients", "3", "-d", "2s", "--json", json, "-q");

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = await ResultAsync(json);
        await using var superuser = await PgSandbox.OpenSuperuserAsync();
        superuser.ChangeDatabase(_database);
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pgbench_history", superuser);
        var rows = (long)(await count.ExecuteScalarAsync())!;
        Assert.True(rows > 0, run.ToString());
        Assert.Equal(rows, result.GetProperty("transactions").GetInt64());
        Assert.Equal(0, result.GetProperty("errors").GetInt64());
        Assert.Contains("--init: primary keys and ANALYZE", run.Stderr, StringComparison.Ordinal);
        Assert.True(result.GetProperty("intervals").GetArrayLength() >= 1);
    }

    [SkippableFact]
    public async Task Select_only_counts_transactions_with_percentiles_and_a_threshold_that_must_fail_exits_1()
    {
        PgSandbox.Require();
        var json = Path.Combine(_directory, "select.json");

        var passed = await LoadTestAsync(PgSandbox.Roles.AppPassword, "select-only", "-c", Connection("pgbench"), "--clients", "2", "-d", "2s", "--json", json,
            "--threshold", "errors==0", "--threshold", "p99<5s");
        var failed = await LoadTestAsync(PgSandbox.Roles.AppPassword, "select-only", "-c", Connection("pgbench"), "--clients", "1", "-d", "1s", "--threshold", "tps>100000000", "-q");

        Assert.True(passed.ExitCode == 0, passed.ToString());
        var result = await ResultAsync(json);
        Assert.True(result.GetProperty("transactions").GetInt64() > 100, passed.ToString());
        var latency = result.GetProperty("latency");
        Assert.True(latency.GetProperty("p50").GetDouble() <= latency.GetProperty("p99").GetDouble());
        Assert.Contains("tps  p50", passed.Stderr, StringComparison.Ordinal); // the live line
        Assert.Contains("ok     p99<5s", passed.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("FAILED tps>100000000", failed.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Connect_storm_opens_a_real_connection_per_transaction_and_hold_keeps_one_per_client()
    {
        PgSandbox.Require();
        var sessionsBefore = await PgSandbox.ScalarAsync<long>("SELECT sessions FROM pg_stat_database WHERE datname = $1", _database);
        var storm = Path.Combine(_directory, "storm.json");
        var hold = Path.Combine(_directory, "hold.json");

        var stormRun = await LoadTestAsync(PgSandbox.Roles.AppPassword, "connect-storm", "-c", Connection(), "--clients", "2", "-d", "1s", "--json", storm, "-q");
        var sessions = await PgSandbox.ScalarAsync<long>("SELECT sessions FROM pg_stat_database WHERE datname = $1", _database) - sessionsBefore;
        var holdRun = await LoadTestAsync(PgSandbox.Roles.AppPassword, "hold", "-c", Connection(), "--clients", "3", "-d", "2.5s", "--json", hold, "-q");

        Assert.True(stormRun.ExitCode == 0, stormRun.ToString());
        var connects = (await ResultAsync(storm)).GetProperty("transactions").GetInt64();
        Assert.True(connects > 0 && sessions >= connects, $"{connects} transactions, {sessions} sessions");
        Assert.True(holdRun.ExitCode == 0, holdRun.ToString());
        Assert.InRange((await ResultAsync(hold)).GetProperty("transactions").GetInt64(), 3 * 2, 3 * 4); // a check per client per second
    }

    [SkippableFact]
    public async Task A_warm_up_runs_the_load_unmeasured_before_the_clock_starts()
    {
        PgSandbox.Require();
        var json = Path.Combine(_directory, "warm.json");
        var started = System.Diagnostics.Stopwatch.StartNew();

        var run = await LoadTestAsync(PgSandbox.Roles.AppPassword, "select-only", "-c", Connection("pgbench"), "--clients", "2", "--warmup", "1500ms", "-d", "1s", "--json", json, "-q");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(2.5), $"{started.Elapsed}");
        var result = await ResultAsync(json);
        Assert.InRange(result.GetProperty("duration_seconds").GetDouble(), 0.9, 1.5); // only the measured second
        Assert.Equal(1, result.GetProperty("intervals").GetArrayLength());
        Assert.Contains("after 1.5 s unmeasured", run.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_open_model_starts_arrivals_at_the_rate_whatever_the_endpoint_does()
    {
        PgSandbox.Require();
        var json = Path.Combine(_directory, "open.json");

        var run = await LoadTestAsync(PgSandbox.Roles.AppPassword, "select-only", "-c", Connection("pgbench"), "--rate", "200", "--clients", "4", "-d", "2s", "--json", json, "-q");

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = await ResultAsync(json);
        Assert.Equal("open", result.GetProperty("model").GetString());
        Assert.InRange(result.GetProperty("transactions").GetInt64(), 360, 440); // 200/s for 2 s
        Assert.Equal(0, result.GetProperty("dropped").GetInt64());
    }

    [SkippableFact]
    public async Task An_endpoint_that_cannot_run_the_workload_exits_2_before_any_load_with_the_reason()
    {
        PgSandbox.Require();

        var noTables = await LoadTestAsync(PgSandbox.Roles.AppPassword, "select-only", "-c", Connection(), "-d", "1s");
        var refused = await LoadTestAsync("not-the-password", "select-only", "-c", Connection("pgbench"), "-d", "1s");
        var unreachable = await LoadTestAsync(PgSandbox.Roles.AppPassword, "select-only", "-c", $"Host=127.0.0.1;Port=1;Database=x;Username={PgSandbox.Roles.App}", "-d", "1s");
        var badThreshold = await LoadTestAsync(PgSandbox.Roles.AppPassword, "select-only", "-c", Connection("pgbench"), "--threshold", "p99<50");
        var noGateway = await LoadTestAsync(PgSandbox.Roles.AppPassword, "select-only", "-c", Connection("pgbench"), "-d", "1s", "--gateway", "http://127.0.0.1:1");
        var samplerRefused = await LoadTestAsync(PgSandbox.Roles.AppPassword, "select-only", "-c", Connection("pgbench"), "-d", "1s",
            "--database", $"Host={PgSandbox.Host};Port={PgSandbox.Port};Database=app;Username={PgSandbox.Roles.Watch};Password=wrong");

        Assert.Equal(2, noTables.ExitCode);
        Assert.Contains("the pgbench tables are not there", noTables.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("28P01", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", refused.Stderr + refused.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, unreachable.ExitCode);
        Assert.Contains("127.0.0.1:1/x", unreachable.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, badThreshold.ExitCode);
        Assert.Contains("a latency takes ms, s or us", badThreshold.Stderr + badThreshold.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, noGateway.ExitCode);
        Assert.Contains("cannot sample the gateway http://127.0.0.1:1/metrics", noGateway.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, samplerRefused.ExitCode);
        Assert.Contains("cannot sample the database", samplerRefused.Stderr, StringComparison.Ordinal);
        Assert.Contains("28P01", samplerRefused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("transactions", noGateway.Stdout + samplerRefused.Stdout, StringComparison.Ordinal); // found before any load
        Assert.DoesNotContain("   at ", noTables.Stderr + refused.Stderr + unreachable.Stderr + noGateway.Stderr + samplerRefused.Stderr, StringComparison.Ordinal); // no stack trace
    }

    private string Script(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [SkippableFact]
    public async Task On_a_slowed_database_the_open_model_shows_the_queueing_the_closed_model_hides()
    {
        PgSandbox.Require();
        var slow = Script("slow.sql", "SELECT pg_sleep(0.05);\n"); // 50 ms: two clients serve 40 per second
        var closedJson = Path.Combine(_directory, "closed.json");
        var openJson = Path.Combine(_directory, "open.json");

        var closed = await LoadTestAsync(PgSandbox.Roles.AppPassword, slow, "-c", Connection(), "--clients", "2", "-d", "3s", "--json", closedJson, "-q");
        var open = await LoadTestAsync(PgSandbox.Roles.AppPassword, slow, "-c", Connection(), "--rate", "60", "--clients", "2", "-d", "3s", "--json", openJson, "-q");

        Assert.True(closed.ExitCode == 0, closed.ToString());
        Assert.True(open.ExitCode == 0, open.ToString());
        // Medians, not tails: a noisy machine moves a p99 of a hundred samples, not the middle of them.
        var closedP50 = (await ResultAsync(closedJson)).GetProperty("latency").GetProperty("p50").GetDouble();
        var openResult = await ResultAsync(openJson);
        var openP50 = openResult.GetProperty("latency").GetProperty("p50").GetDouble();
        Assert.InRange(closedP50, 45, 80); // each transaction's own 50 ms: the closed model sees no queue
        Assert.True(openP50 >= 1.4 * closedP50, $"open p50 {openP50} ms, closed p50 {closedP50} ms");
        Assert.True(openResult.GetProperty("dropped").GetInt64() > 0, open.ToString()); // 60 arrive per second, 40 can be served
    }

    [SkippableFact]
    public async Task Weighted_scripts_run_in_proportion_and_a_script_with_a_sql_error_stops_before_the_run_with_its_line()
    {
        PgSandbox.Require();
        await using (var owner = new Npgsql.NpgsqlConnection(Connection() + $";Password={PgSandbox.Roles.AppPassword}"))
        {
            await owner.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand("CREATE TABLE hits (script text, n bigint)", owner);
            await create.ExecuteNonQueryAsync();
        }
        var a = Script("a.sql", "\\set n random(1, 10)\nINSERT INTO hits VALUES ('a', :n);\n");
        var b = Script("b.sql", "INSERT INTO hits VALUES ('b', 0);\n");
        var broken = Script("broken.sql", "-- a typo\nSELECT * FROM no_such_table;\n");
        var json = Path.Combine(_directory, "weighted.json");

        var run = await LoadTestAsync(PgSandbox.Roles.AppPassword, $"{a}@3", $"{b}@1", "-c", Connection(), "--clients", "2", "-d", "2s", "--json", json, "-q");
        var failed = await LoadTestAsync(PgSandbox.Roles.AppPassword, broken, "-c", Connection(), "-d", "1s");

        Assert.True(run.ExitCode == 0, run.ToString());
        await using var superuser = await PgSandbox.OpenSuperuserAsync();
        superuser.ChangeDatabase(_database);
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FILTER (WHERE script = 'a'), count(*) FILTER (WHERE script = 'b'), max(n) FROM hits", superuser);
        await using var row = await count.ExecuteReaderAsync();
        await row.ReadAsync();
        var (ofA, ofB, maxN) = (row.GetInt64(0), row.GetInt64(1), row.GetInt64(2));
        Assert.Equal(ofA + ofB, (await ResultAsync(json)).GetProperty("transactions").GetInt64());
        Assert.InRange(ofA / (double)(ofA + ofB), 0.65, 0.85); // weights 3:1
        Assert.InRange(maxN, 1, 10);
        Assert.Equal(2, failed.ExitCode);
        Assert.Contains("broken.sql:2: 42P01", failed.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Find_knee_through_a_gateway_with_a_pool_of_4_finds_the_knee_at_the_pool_size()
    {
        PgSandbox.Require();
        var port = PoolGuardProcess.UnusedPort();
        var sleep = Script("sleep20.sql", "SELECT pg_sleep(0.02);\n"); // 20 ms each: 4 servers serve about 200 per second
        var json = Path.Combine(_directory, "knee.json");
        await using var gateway = await SmallPoolGateway.StartAsync(_directory, port, poolSize: 4);

        var run = await LoadTestAsync(PgSandbox.Roles.AppPassword, sleep, "-c", $"Host=127.0.0.1;Port={port};Database=app;Username={PgSandbox.Roles.App}",
            "--find-knee", "--clients", "16", "-d", "2s", "--json", json, "--report", Path.Combine(_directory, "knee.html"));

        Assert.True(run.ExitCode == 0, run.ToString());
        var knee = JsonDocument.Parse(await File.ReadAllTextAsync(json)).RootElement;
        Assert.InRange(knee.GetProperty("knee_clients").GetInt32(), 2, 8); // the pool size, ± one step
        Assert.InRange(knee.GetProperty("knee_tps").GetDouble(), 120, 210);
        Assert.StartsWith("throughput stopped rising", knee.GetProperty("stopped_because").GetString(), StringComparison.Ordinal);
        Assert.Contains("Little's law", knee.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.Contains("← knee", run.Stdout, StringComparison.Ordinal);
        var report = await File.ReadAllTextAsync(Path.Combine(_directory, "knee.html"));
        Assert.Contains("<figure id=\"knee\"", report, StringComparison.Ordinal); // throughput and p99 against the clients, the knee marked
        Assert.Contains($"knee at {knee.GetProperty("knee_clients").GetInt32()} client(s)", report, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Every_run_is_kept_and_compare_catches_a_30_percent_regression_against_the_labelled_baseline()
    {
        PgSandbox.Require();
        var script = Path.Combine(_directory, "checkout.sql");
        await File.WriteAllTextAsync(script, "SELECT pg_sleep(0.010);\n");
        var before = await LoadTestAsync(PgSandbox.Roles.AppPassword, script, "-c", Connection(), "--clients", "2", "-d", "2s", "--label", "2026-Q3", "-q");
        await File.WriteAllTextAsync(script, "SELECT pg_sleep(0.015);\n"); // the same test, a slower database: a third less throughput
        var after = await LoadTestAsync(PgSandbox.Roles.AppPassword, script, "-c", Connection(), "--clients", "2", "-d", "2s", "-q");

        var compare = await LoadTestAsync(PgSandbox.Roles.AppPassword, "compare");
        // 10 → 15 ms is -33 % throughput and about +50 % p99 by design, plus the noise of a shared box: a margin of 100 % admits it.
        var lenient = await LoadTestAsync(PgSandbox.Roles.AppPassword, "compare", "2", "--baseline", "2026-Q3", "--margin", "100");
        var history = await LoadTestAsync(PgSandbox.Roles.AppPassword, "history");
        var nothing = await LoadTestAsync(PgSandbox.Roles.AppPassword, "compare", "1");

        Assert.True(before.ExitCode == 0 && after.ExitCode == 0, before + "\n" + after);
        Assert.Contains("kept as run 1", before.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, compare.ExitCode);
        Assert.Contains("run 2 (", compare.Stdout, StringComparison.Ordinal);
        Assert.Contains("against run 1 (", compare.Stdout, StringComparison.Ordinal);
        Assert.Contains("REGRESSION beyond 10 %: throughput -", compare.Stdout, StringComparison.Ordinal);
        Assert.True(lenient.ExitCode == 0, lenient.ToString());
        Assert.Contains("no regression beyond 100 %", lenient.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, history.ExitCode);
        Assert.Contains("2026-Q3", history.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, history.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // a header and two runs
        Assert.Equal(2, nothing.ExitCode); // run 1 has no earlier run to compare with
        Assert.Contains("has no baseline", nothing.Stderr, StringComparison.Ordinal);
    }
}
