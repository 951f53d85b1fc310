using System.Text.Json;
using PoolGuard.Config.Alerts;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using PoolGuard.Monitoring.Export;

namespace PoolGuard.IntegrationTests.Monitoring;

/// <summary>
/// `poolguard monitoring export` for fleets that run Prometheus: the rule file passes the real promtool, and a
/// real Prometheus scraping the real gateway with it fires the same alert as the built-in engine during pool
/// saturation; every panel query of the Grafana dashboard runs on that Prometheus.
/// </summary>
public sealed class PrometheusExportTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-export-").FullName;
    private FullPool? _full;
    private AdminHttpHarness? _http;
    private PrometheusProcess? _prometheus;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }
        if (_full is not null)
        {
            await _full.DisposeAsync();
        }
        if (_http is not null)
        {
            await _http.DisposeAsync();
        }
        Directory.Delete(_directory, recursive: true);
    }

    private static Task<ProcessResult> PoolGuardAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, .. arguments], Bound);

    [SkippableFact]
    public async Task The_exported_rule_file_of_a_config_passes_promtool_check_rules()
    {
        var promtool = PrometheusProcess.Promtool();
        var config = Path.Combine(_directory, "pgbouncer.ini");
        await File.WriteAllTextAsync(config, """
            [databases]
            app = host=127.0.0.1
            [pgbouncer]
            listen_addr = 127.0.0.1
            auth_type = trust
            [alerts]
            DatabaseConnectionsHigh = for=2m labels='team=db'
            ReportsConnections = expr='poolguard_db_connections_by_application{database="reports"} > 40' for=1m severity=critical summary='{{ $labels.application }} holds {{ $value }} connections' labels='team=reports'
            """);
        var rules = Path.Combine(_directory, "rules.yml");

        var export = await PoolGuardAsync("monitoring", "export", "--prometheus-rules", "-c", config, "-o", rules);
        Assert.Equal(0, export.ExitCode);
        var check = await ProcessRunner.RunAsync(promtool, ["check", "rules", rules], Bound);

        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains($"SUCCESS: {DefaultAlertRules.All.Count + 1} rules found", check.Stdout, StringComparison.Ordinal);
        var text = await File.ReadAllTextAsync(rules);
        Assert.Contains("alertstate=\\\"firing\\\"", text, StringComparison.Ordinal); // hysteresis in the Prometheus idiom
        Assert.Contains("ignoring(alertname, alertstate, severity, team)", text, StringComparison.Ordinal);
        Assert.Contains("topk(1, poolguard_db_connections_by_application", text, StringComparison.Ordinal); // {{ top … }} as a query
    }

    [SkippableFact]
    public async Task A_real_Prometheus_with_the_exported_rules_fires_the_same_alert_as_the_built_in_engine()
    {
        _http = await AdminHttpHarness.StartAsync(c => c with
        {
            DefaultPoolSize = 2,
            AlertEvaluationInterval = TimeSpan.FromSeconds(1),
            Alerts = new Dictionary<string, AlertRuleEntry>(StringComparer.Ordinal)
            {
                ["ClientsWaiting"] = DefaultAlertRules.Find("ClientsWaiting")! with { For = TimeSpan.FromSeconds(2) },
            },
        });
        var rules = PrometheusRulesExport.Write(AlertRules.Effective(_http.Gateway.Server.Config), TimeSpan.FromSeconds(1));
        _prometheus = await PrometheusProcess.StartAsync(_http.Host.AdminAddress!, rules);
        _full = await FullPool.StartAsync(_http.Gateway, servers: 2);

        var inPrometheus = await Eventually.AssertAsync(_prometheus.AlertsAsync,
            alerts => alerts.Any(a => Name(a) == "ClientsWaiting" && a.GetProperty("state").GetString() == "firing"), Bound,
            "ClientsWaiting firing in Prometheus");
        var builtIn = JsonDocument.Parse(await _http.GetStringAsync("/api/alerts")).RootElement.GetProperty("alerts").EnumerateArray()
            .Single(a => a.GetProperty("name").GetString() == "ClientsWaiting");

        var alert = inPrometheus.Single(a => Name(a) == "ClientsWaiting");
        var labels = alert.GetProperty("labels");
        Assert.Equal("firing", builtIn.GetProperty("state").GetString());
        Assert.Equal(builtIn.GetProperty("labels").GetProperty("database").GetString(), labels.GetProperty("database").GetString());
        Assert.Equal(builtIn.GetProperty("labels").GetProperty("user").GetString(), labels.GetProperty("user").GetString());
        Assert.Equal("warning", labels.GetProperty("severity").GetString());
        Assert.Equal(builtIn.GetProperty("summary").GetString(), alert.GetProperty("annotations").GetProperty("summary").GetString());

        // Every dashboard panel's query parses and runs on the same Prometheus.
        var dashboard = JsonDocument.Parse(GrafanaDashboardExport.Write()).RootElement;
        var queries = dashboard.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        Assert.NotEmpty(queries);
        foreach (var query in queries)
        {
            await _prometheus.QueryAsync(query);
        }
        var waiting = await _prometheus.QueryAsync("sum by (database, user) (pgbouncer_pools_client_waiting_connections)");
        Assert.Equal("1", waiting.GetProperty("result")[0].GetProperty("value")[1].GetString());
    }

    private static string Name(JsonElement alert) => alert.GetProperty("labels").GetProperty("alertname").GetString()!;
}
