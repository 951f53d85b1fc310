using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PoolGuard.Monitoring.Export;

/// <summary>
/// A Grafana dashboard (JSON model, schema 39) over PoolGuard's metric names, for a Prometheus data source chosen
/// on import: pools (clients active and waiting), the longest wait, server connections against the cap, the
/// database's headroom and its top applications by connections (the watcher's view, which sees what bypasses
/// the gateway), refusals, and the alerts firing.
/// </summary>
public static class GrafanaDashboardExport
{
    public const string Uid = "poolguard-overview";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed record Panel(string Title, string Unit, string Description, params (string Expr, string Legend)[] Targets);

    private static readonly Panel[] Panels =
    [
        new("Clients active and waiting per pool", "short", "Waiting clients queue inside PoolGuard for a server of their pool.",
            ("sum by (database, user) (pgbouncer_pools_client_active_connections)", "{{database}}/{{user}} active"),
            ("sum by (database, user) (pgbouncer_pools_client_waiting_connections)", "{{database}}/{{user}} waiting")),
        new("Longest wait for a server", "s", "The oldest queued client's wait, per pool (the ClientWaitLong alert).",
            ("max by (database, user) (pgbouncer_pools_client_maxwait_seconds)", "{{database}}/{{user}}")),
        new("Pool utilisation", "percentunit", "Servers in use over pool_size (the PoolUtilisation alerts).",
            ("max by (database, user) (poolguard_pool_utilisation_ratio)", "{{database}}/{{user}}")),
        new("Server connections", "short", "Open server connections against max_server_connections.",
            ("sum(poolguard_server_connections)", "open"),
            ("max(poolguard_limit{poolguard_setting=\"max_server_connections\"})", "max_server_connections")),
        new("Database connection headroom", "short", "Connections ordinary roles can still open on PostgreSQL, from every application (the DatabaseConnections alerts).",
            ("min by (database) (poolguard_db_connection_headroom)", "{{database}} headroom"),
            ("max by (database) (poolguard_db_connections)", "{{database}} open")),
        new("Top applications by connections", "short", "Who holds PostgreSQL's connections, through PoolGuard or directly.",
            ("topk(5, max by (database, application) (poolguard_db_connections_by_application))", "{{database}} {{application}}")),
        new("Clients refused", "short", "Clients refused with 53300 per minute, by reason.",
            ("sum by (error_type) (increase(poolguard_client_refusals_total[1m]))", "{{error_type}}")),
        new("Alerts firing", "short", "PoolGuard's rules as Prometheus evaluates them (poolguard monitoring export --prometheus-rules).",
            ("sum by (alertname, severity) (ALERTS{alertstate=\"firing\"})", "{{alertname}} ({{severity}})")),
    ];

    public static string Write()
    {
        var panels = new JsonArray();
        for (var i = 0; i < Panels.Length; i++)
        {
            panels.Add(PanelJson(Panels[i], i));
        }
        var dashboard = new JsonObject
        {
            ["uid"] = Uid,
            ["title"] = "PoolGuard",
            ["description"] = "Pools, waits, server connections, database headroom, top applications and alerts (poolguard monitoring export --grafana-dashboard)",
            ["tags"] = new JsonArray("poolguard", "postgresql"),
            ["schemaVersion"] = 39,
            ["version"] = 1,
            ["editable"] = true,
            ["refresh"] = "10s",
            ["time"] = new JsonObject { ["from"] = "now-1h", ["to"] = "now" },
            ["templating"] = new JsonObject
            {
                ["list"] = new JsonArray(new JsonObject
                {
                    ["name"] = "datasource",
                    ["label"] = "Prometheus",
                    ["type"] = "datasource",
                    ["query"] = "prometheus",
                }),
            },
            ["panels"] = panels,
        };
        return dashboard.ToJsonString(Indented) + "\n";
    }

    private static JsonObject PanelJson(Panel panel, int index)
    {
        var targets = new JsonArray();
        for (var i = 0; i < panel.Targets.Length; i++)
        {
            targets.Add(new JsonObject
            {
                ["refId"] = ((char)('A' + i)).ToString(),
                ["expr"] = panel.Targets[i].Expr,
                ["legendFormat"] = panel.Targets[i].Legend,
                ["datasource"] = Datasource(),
            });
        }
        return new JsonObject
        {
            ["id"] = index + 1,
            ["type"] = "timeseries",
            ["title"] = panel.Title,
            ["description"] = panel.Description,
            ["datasource"] = Datasource(),
            ["gridPos"] = new JsonObject { ["h"] = 8, ["w"] = 12, ["x"] = index % 2 * 12, ["y"] = index / 2 * 8 },
            ["fieldConfig"] = new JsonObject { ["defaults"] = new JsonObject { ["unit"] = panel.Unit }, ["overrides"] = new JsonArray() },
            ["targets"] = targets,
        };
    }

    private static JsonObject Datasource() => new() { ["type"] = "prometheus", ["uid"] = "${datasource}" };
}
