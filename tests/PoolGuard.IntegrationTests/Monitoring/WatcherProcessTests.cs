using System.Text.Json;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Monitoring;

/// <summary>
/// A real `poolguard run` process with a pgbouncer.ini that asks for watching (watch_user and a [watch]
/// section), as an operator would write it: the samples reach /metrics and /api/databases, the log says
/// what is watched once, and neither the watch password nor a line per HTTP request appears in it.
/// </summary>
public sealed class WatcherProcessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-watch-").FullName;

    [SkippableFact]
    public async Task Run_with_an_ini_watch_section_serves_poolguard_db_metrics_and_logs_what_it_watches()
    {
        PgSandbox.Require();
        var port = PoolGuardProcess.UnusedPort();
        var httpPort = PoolGuardProcess.UnusedPort();
        var closed = PoolGuardProcess.UnusedPort();
        var file = WriteIni(port, httpPort, closed);
        await using var process = await PoolGuardProcess.StartAsync(file, port, new Dictionary<string, string>());
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(15) };
        // The admin endpoint starts after the gateway listens: wait for it before scraping.
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            try
            {
                using var health = await http.GetAsync("/healthz");
                return health.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, Bound), $"the admin endpoint on {httpPort} did not answer.\n{process.Output()}");

        var scrape = await Eventually.AssertAsync(
            async () => PrometheusTextParser.Parse(await http.GetStringAsync("/metrics").WaitAsync(Bound)),
            s => s.Named("poolguard_db_up").Count() == 3, Bound, "poolguard_db_up for app, reports and old-replica");
        var up = scrape.Named("poolguard_db_up").ToDictionary(m => m.Label("database")!, m => m.Value);
        Assert.Equal(1, up["app"]);
        Assert.Equal(1, up["reports"]);
        Assert.Equal(0, up["old-replica"]);
        Assert.True(scrape.Named("poolguard_db_usable_connections").Single(m => m.Label("database") == "reports").Value > 0);

        var list = JsonDocument.Parse(await http.GetStringAsync("/api/databases").WaitAsync(Bound)).RootElement;
        var reports = list.GetProperty("databases").EnumerateArray().Single(d => d.GetProperty("name").GetString() == "reports");
        Assert.True(reports.GetProperty("watch_only").GetBoolean());
        Assert.Contains(reports.GetProperty("by_user").EnumerateArray(), u => u.GetProperty("key").GetString() == Roles.Watch);

        await Eventually.TrueAsync(() => process.Output().Contains("old-replica cannot be sampled", StringComparison.Ordinal), Bound);
        var output = process.Output();
        Assert.Single(output.Split('\n'), l => l.Contains("Watching 3 database(s) every 1 s: app, old-replica, reports", StringComparison.Ordinal));
        Assert.Contains("old-replica cannot be sampled", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Roles.WatchPassword, output, StringComparison.Ordinal);
        Assert.DoesNotContain("Request starting", output, StringComparison.Ordinal);
    }

    private string WriteIni(int port, int httpPort, int closedPort)
    {
        File.WriteAllText(Path.Combine(_directory, "userlist.txt"), $"\"{Roles.App}\" \"{Roles.AppPassword}\"\n");
        var path = Path.Combine(_directory, "pgbouncer.ini");
        File.WriteAllText(path, $"""
            [databases]
            app = host={PgSandbox.Host} port={PgSandbox.Port} dbname=app

            [watch]
            reports = host={PgSandbox.Host} port={PgSandbox.Port} dbname=pgbench
            old-replica = host=127.0.0.1 port={closedPort} dbname=app

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            auth_type = scram-sha-256
            auth_file = userlist.txt
            admin_http_port = {httpPort}
            watch_user = {Roles.Watch}
            watch_password = {Roles.WatchPassword}
            watch_interval = 1s
            """);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
