using System.Text.Json;
using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.LoadTest;

/// <summary>`loadtest --stage`: the clients (closed model) and the arrival rate (open model) ramp as written, on the sandbox database.</summary>
public sealed class LoadTestStageTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-loadstage-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<(ProcessResult Run, JsonElement Result)> RunAsync(string sleep, params string[] arguments)
    {
        var script = Path.Combine(_directory, "sleep.sql");
        await File.WriteAllTextAsync(script, $"SELECT pg_sleep({sleep});\n");
        var json = Path.Combine(_directory, "run.json");
        var environment = ProcessRunner.PgEnvironment(PgSandbox.Roles.AppPassword);
        environment["POOLGUARD_LOADTEST_STORE"] = Path.Combine(_directory, "history.db");
        var run = await ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, "loadtest", script,
            "-c", $"Host={PgSandbox.Host};Port={PgSandbox.Port};Database=app;Username={PgSandbox.Roles.App}", "--json", json, .. arguments], Bound, environment);
        Assert.True(run.ExitCode == 0, run.ToString());
        return (run, JsonDocument.Parse(await File.ReadAllTextAsync(json)).RootElement.GetProperty("result"));
    }

    [SkippableFact]
    public async Task Closed_stages_ramp_the_clients_and_throughput_follows_them()
    {
        PgSandbox.Require();

        // 20 ms a transaction: each client gives about 50 per second. 2 clients for 3 s, then up to 6 and 6 for 2 s.
        var (run, result) = await RunAsync("0.02", "--clients", "2", "--stage", "3s:2", "--stage", "1s:6", "--stage", "2s:6");

        var points = result.GetProperty("intervals").EnumerateArray().ToList();
        Assert.Equal(6, result.GetProperty("clients").GetInt32()); // the peak
        Assert.Equal(2, points[1].GetProperty("clients").GetInt32());
        Assert.Equal(6, points[^1].GetProperty("clients").GetInt32());
        var low = points[1].GetProperty("tps").GetDouble();
        var high = points[^1].GetProperty("tps").GetDouble();
        Assert.InRange(low, 60, 110);
        Assert.True(high > 2.4 * low, $"6 clients gave {high} TPS, 2 gave {low}");
        Assert.Contains("clients from 2 through 3 s → 2, 1 s → 6, 2 s → 6", run.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Open_stages_ramp_the_arrival_rate_and_start_exactly_the_arrivals_the_ramp_integrates_to()
    {
        PgSandbox.Require();

        // 20/s rising to 100/s over 3 s: (20 + 100) / 2 × 3 = 180 arrivals, none dropped with 16 in flight for 5 ms each.
        var (_, result) = await RunAsync("0.005", "--rate", "20", "--stage", "3s:100", "--clients", "16");

        Assert.InRange(result.GetProperty("transactions").GetInt64(), 175, 181);
        Assert.Equal(0, result.GetProperty("dropped").GetInt64());
        var points = result.GetProperty("intervals").EnumerateArray().ToList();
        Assert.True(points[0].GetProperty("target_rate").GetDouble() < points[^1].GetProperty("target_rate").GetDouble());
        Assert.True(points[0].GetProperty("tps").GetDouble() * 2 < points[^1].GetProperty("tps").GetDouble(), string.Join(", ", points.Select(p => p.GetProperty("tps").GetDouble())));
    }
}
