using System.Net;
using System.Net.Sockets;
using Npgsql;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Http;

/// <summary>
/// The admin HTTP endpoint of a real `poolguard run` process: a busy port fails the start, and
/// Debian's prometheus-pgbouncer-exporter, pointed at PoolGuard's admin console as it would be at
/// PgBouncer's, reads the pool numbers PoolGuard's own /metrics serves.
/// </summary>
public sealed class AdminHttpProcessTests : IDisposable
{
    private const string DebianExporter = "/usr/bin/prometheus-pgbouncer-exporter";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-http-").FullName;

    [SkippableFact]
    public async Task Run_exits_1_with_one_line_naming_admin_http_port_when_the_port_is_in_use()
    {
        PgSandbox.Require();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var busy = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var file = WriteIni(PoolGuardProcess.UnusedPort(), busy);

        await using var process = RunningProcess.Start(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, "run", "-c", file]);
        Assert.True(await process.WaitForExitAsync(Bound), $"poolguard kept running with its admin port taken.\n{process.Output()}");
        var result = process.Result();
        Assert.True(result.ExitCode == 1, result.ToString());
        var output = result.Stdout + result.Stderr;
        // One line says what is wrong and which setting to change; no stack trace from the hosting layer before it.
        Assert.Single(output.Split('\n'), line => line.Contains("admin_http_port", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Debians_prometheus_pgbouncer_exporter_reads_poolguards_pools_with_the_numbers_of_its_own_metrics()
    {
        PgSandbox.Require();
        Skip.IfNot(File.Exists(DebianExporter),
            $"{DebianExporter} is missing: install the Debian package prometheus-pgbouncer-exporter (scripts/lib/common.sh does on CI)");
        var port = PoolGuardProcess.UnusedPort();
        var httpPort = PoolGuardProcess.UnusedPort();
        var file = WriteIni(port, httpPort);
        await using var gateway = await PoolGuardProcess.StartAsync(file, port, new Dictionary<string, string>());

        // One client holding a server inside a transaction: cl_active 1, sv_active 1.
        await using var holder = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = Roles.App, Password = Roles.AppPassword, Database = "app",
            Pooling = false, Timeout = 30,
        }.ConnectionString);
        await holder.OpenAsync().WaitAsync(Bound);
        await using (var begin = new NpgsqlCommand("begin; select 1", holder))
        {
            await begin.ExecuteNonQueryAsync().WaitAsync(Bound);
        }

        var exported = await ScrapeWithDebianExporterAsync(port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var ours = PrometheusTextParser.Parse(await http.GetStringAsync($"http://127.0.0.1:{httpPort}/metrics").WaitAsync(Bound));

        bool AppPool(PrometheusSample s) => s.Label("database") == "app" && s.Label("user") == Roles.App;
        var active = exported.Named("pgbouncer_active_clients").Single(AppPool).Value;
        var waiting = exported.Named("pgbouncer_waiting_clients").Single(AppPool).Value;
        Assert.Equal(1, active);
        Assert.Equal(0, waiting);
        Assert.Equal(active, ours.Named("pgbouncer_pools_client_active_connections").Single(AppPool).Value);
        Assert.Equal(waiting, ours.Named("pgbouncer_pools_client_waiting_connections").Single(AppPool).Value);
        Assert.Equal(1, ours.Named("pgbouncer_pools_server_active_connections").Single(AppPool).Value);
        Assert.True(exported.Named("pgbouncer_pools").Single().Value >= 1);
    }

    /// <summary>
    /// Runs the package's own collectors for SHOW POOLS and SHOW LISTS against the gateway, connected as
    /// the package connects (psycopg2 to database pgbouncer, as a stats user), and returns what they export.
    /// Its StatsCollector and DatabasesCollector are left out: exporter 1.7 reads total_requests and
    /// reserve_pool, columns PgBouncer itself renamed in 1.8 and 1.24, so they fail against PgBouncer's
    /// current layout (which PoolGuard's console follows) exactly as they do against PgBouncer.
    /// </summary>
    private static async Task<PrometheusTextParser.Scrape> ScrapeWithDebianExporterAsync(int port)
    {
        const string script = """
            import sys
            from prometheus_client import CollectorRegistry, generate_latest
            from prometheus_pgbouncer_exporter.utils import get_connection
            from prometheus_pgbouncer_exporter.collectors import PoolsCollector, ListsCollector
            connection = get_connection(sys.argv[1], sys.argv[2], '127.0.0.1')
            registry = CollectorRegistry()
            registry.register(PoolsCollector(connection=connection, databases=None))
            registry.register(ListsCollector(connection=connection))
            sys.stdout.write(generate_latest(registry).decode())
            """;
        // The package runs under Debian's python3 (its #! line), where python3-prometheus-client lives.
        var result = await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", script, Roles.Scram, port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            Bound, ProcessRunner.PgEnvironment(Roles.ScramPassword));
        Assert.True(result.ExitCode == 0, result.ToString());
        return PrometheusTextParser.Parse(result.Stdout.Replace("\r", "", StringComparison.Ordinal));
    }

    /// <summary>A pgbouncer.ini as a PgBouncer user has it, plus admin_http_port; scram_user may read the console.</summary>
    private string WriteIni(int port, int httpPort)
    {
        File.WriteAllText(Path.Combine(_directory, "userlist.txt"),
            $"\"{Roles.App}\" \"{Roles.AppPassword}\"\n\"{Roles.Scram}\" \"{Roles.ScramPassword}\"\n");
        var path = Path.Combine(_directory, "pgbouncer.ini");
        File.WriteAllText(path, $"""
            [databases]
            app = host={PgSandbox.Host} port={PgSandbox.Port} dbname=app

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            auth_type = scram-sha-256
            auth_file = userlist.txt
            default_pool_size = 3
            stats_users = {Roles.Scram}
            admin_http_port = {httpPort}
            """);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
