using System.Text.Json;
using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.LoadTest;

/// <summary>
/// `loadtest --report` as a user reads it: a run through a real PoolGuard with a pool of 3, the gateway's /metrics and
/// the database's pg_stat_activity sampled beside it, and the HTML opened in headless Chromium — no script error, and
/// every chart drawn (its screenshot is not blank).
/// </summary>
public sealed class LoadTestReportTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-loadreport-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [SkippableFact]
    public async Task The_report_opens_in_chromium_without_errors_and_plots_the_load_beside_the_gateway_and_the_database()
    {
        PgSandbox.Require();
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var port = PoolGuardProcess.UnusedPort();
        var admin = PoolGuardProcess.UnusedPort();
        await using var gateway = await SmallPoolGateway.StartAsync(_directory, port, poolSize: 3, admin);
        var script = Path.Combine(_directory, "slow.sql");
        await File.WriteAllTextAsync(script, "SELECT pg_sleep(0.02);\n"); // 8 clients on 3 servers: 5 wait at any time
        var report = Path.Combine(_directory, "report.html");
        var json = Path.Combine(_directory, "run.json");
        var environment = ProcessRunner.PgEnvironment(PgSandbox.Roles.AppPassword);
        environment["POOLGUARD_LOADTEST_STORE"] = Path.Combine(_directory, "history.db");

        var run = await ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, "loadtest", script,
            "-c", $"Host=127.0.0.1;Port={port};Database=app;Username={PgSandbox.Roles.App}", "--clients", "8", "-d", "4s",
            "--gateway", $"http://127.0.0.1:{admin}", "--threshold", "p99<2s",
            "--database", PgSandbox.DirectConnectionString(PgSandbox.Roles.Watch, PgSandbox.Roles.WatchPassword),
            "--report", report, "--json", json], Bound, environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"report written to {report}", run.Stderr, StringComparison.Ordinal);
        var intervals = JsonDocument.Parse(await File.ReadAllTextAsync(json)).RootElement.GetProperty("result").GetProperty("intervals").EnumerateArray()
            .Select(p => p.GetProperty("resources")).ToList();
        Assert.Contains(intervals, r => r.TryGetProperty("gateway_clients_waiting", out var waiting) && waiting.GetDouble() >= 3);
        Assert.All(intervals, r => Assert.Equal(3, r.GetProperty("gateway_servers_active").GetDouble() + r.GetProperty("gateway_servers_idle").GetDouble()));
        Assert.Contains(intervals, r => r.GetProperty("db_active").GetDouble() >= 3); // the gateway's 3 servers, in pg_sleep
        var maxConnections = double.Parse(await PgSandbox.ScalarAsync<string>("SHOW max_connections"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(intervals, r => Assert.Equal(maxConnections, r.GetProperty("db_max_connections").GetDouble()));

        var (page, errors) = await chromium.OpenAsync(new Uri(report).AbsoluteUri);
        var figures = await page.Locator("figure").AllAsync();
        Assert.Equal("throughput latency errors database gateway", string.Join(' ', await Task.WhenAll(figures.Select(f => f.GetAttributeAsync("id")))));
        foreach (var figure in figures)
        {
            var (drawn, colours) = HeadlessChromium.Ink(await figure.Locator("svg").ScreenshotAsync());
            Assert.True(drawn > 0.03 && colours > 8, $"{await figure.GetAttributeAsync("id")}: {drawn:P1} drawn in {colours} colours");
            Assert.NotEmpty(await figure.Locator("details table tbody tr").AllAsync()); // the chart's text equivalent
        }
        Assert.Contains("passed", await page.Locator("td.passed").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(errors);
    }
}
