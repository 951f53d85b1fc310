using System.Net.Http.Headers;
using System.Text.Json;
using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.LoadTest;

/// <summary>
/// `loadtest --sweep-pool-size` against a real PoolGuard: four clients that each hold a server 20 ms per transaction,
/// the pool turned 1 → 2 → 4 → 8 through the admin endpoint. Throughput grows with the pool until there is a server
/// per client, then stops; the sweep recommends that size, explains it, and gives the gateway its pool size back.
/// </summary>
public sealed class LoadTestSweepTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private const string Token = "sweep-test-token";
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-loadsweep-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [SkippableFact]
    public async Task The_sweep_finds_a_server_per_client_explains_it_and_puts_the_pool_size_back()
    {
        PgSandbox.Require();
        var port = PoolGuardProcess.UnusedPort();
        var admin = PoolGuardProcess.UnusedPort();
        await using var gateway = await SmallPoolGateway.StartAsync(_directory, port, poolSize: 2, admin, Token);
        var script = Path.Combine(_directory, "slow.sql");
        await File.WriteAllTextAsync(script, "SELECT pg_sleep(0.02);\n"); // ~50 transactions a second per server
        var json = Path.Combine(_directory, "sweep.json");
        var report = Path.Combine(_directory, "sweep.html");

        var run = await LoadTestAsync(port, admin, ["--token", Token, "--json", json, "--report", report]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var document = JsonDocument.Parse(await File.ReadAllTextAsync(json)).RootElement;
        var steps = document.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("pool_size").GetInt32(), s => s);
        Assert.Equal([1, 2, 4, 8], steps.Keys.Order());
        double Tps(int size) => steps[size].GetProperty("result").GetProperty("tps").GetDouble();
        Assert.True(Tps(2) > 1.6 * Tps(1) && Tps(4) > 1.6 * Tps(2), run.Stdout);  // below a server per client, the pool is the limit
        Assert.True(Tps(8) < 1.15 * Tps(4), run.Stdout);                         // beyond it, four clients cannot use more
        Assert.True(steps[1].GetProperty("servers_busy").GetDouble() is > 0.8 and < 1.05, run.Stdout);
        Assert.True(steps[8].GetProperty("servers_busy").GetDouble() is > 3 and < 4.2, run.Stdout); // 8 allowed, 4 used
        Assert.True(steps[4].GetProperty("server_ms").GetDouble() is >= 19 and < 40, run.Stdout);    // the 20 ms sleep, from the gateway's counters
        Assert.Contains(document.GetProperty("recommended_pool_size").GetInt32(), new[] { 4, 8 });
        Assert.Contains("Little's law", document.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.Contains($"pool size {document.GetProperty("recommended_pool_size").GetInt32()} recommended", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, document.GetProperty("restored_to").GetInt32());
        Assert.Equal(2, await PoolSizeAsync(admin));
        var html = await File.ReadAllTextAsync(report);
        Assert.Contains("id=\"pool-sizes\"", html, StringComparison.Ordinal);
        Assert.Contains("recommended pool size", html, StringComparison.Ordinal);

        // Without the token the gateway refuses the sweep: a setup error before any load, and the pool stays as it was.
        var refused = await LoadTestAsync(port, admin, []);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("answered 401", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("give --token", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("pool    1", refused.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, await PoolSizeAsync(admin));
    }

    [SkippableFact]
    public async Task A_sweep_without_a_gateway_or_with_a_rate_is_a_usage_error()
    {
        var noGateway = await ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, "loadtest", "select-only",
            "-c", "Host=127.0.0.1;Port=1;Database=app", "--sweep-pool-size"], Bound);
        Assert.Equal(2, noGateway.ExitCode);
        Assert.Contains("--sweep-pool-size turns the pool of a running PoolGuard", noGateway.Stderr, StringComparison.Ordinal);
        var withRate = await ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, "loadtest", "select-only",
            "-c", "Host=127.0.0.1;Port=1;Database=app", "--sweep-pool-size", "--gateway", "http://127.0.0.1:1", "--rate", "10", "--pool-sizes", "0,4"], Bound);
        Assert.Equal(2, withRate.ExitCode);
        Assert.Contains("leave out --rate", withRate.Stderr, StringComparison.Ordinal);
        Assert.Contains("--pool-sizes '0,4'", withRate.Stderr, StringComparison.Ordinal);
    }

    private Task<ProcessResult> LoadTestAsync(int port, int admin, string[] extra)
    {
        var environment = ProcessRunner.PgEnvironment(PgSandbox.Roles.AppPassword);
        environment["POOLGUARD_LOADTEST_STORE"] = Path.Combine(_directory, "history.db");
        return ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, "loadtest", Path.Combine(_directory, "slow.sql"),
            "-c", $"Host=127.0.0.1;Port={port};Database=app;Username={PgSandbox.Roles.App}", "--clients", "4", "-d", "2s", "--warmup", "500ms",
            "--sweep-pool-size", "--pool-sizes", "1,2,4,8", "--knee-p99", "1s", "--gateway", $"http://127.0.0.1:{admin}", .. extra], Bound, environment);
    }

    private static async Task<int> PoolSizeAsync(int admin)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var pools = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{admin}/api/pools"))).RootElement;
        return pools.EnumerateArray().Single(p => p.GetProperty("database").GetString() == "app").GetProperty("pool_size").GetInt32();
    }
}
