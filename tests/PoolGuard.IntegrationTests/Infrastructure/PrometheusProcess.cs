using System.Text.Json;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>A real Prometheus (Debian's prometheus) scraping one target every second and evaluating a rule file every second.</summary>
internal sealed class PrometheusProcess : IAsyncDisposable
{
    private readonly LoopbackService _service;

    private PrometheusProcess(LoopbackService service) => _service = service;

    public static string Promtool() => LoopbackService.Binary("prometheus", "/usr/bin/promtool", "/usr/local/bin/promtool");

    /// <param name="target">The base address whose /metrics is scraped.</param>
    /// <param name="rules">A Prometheus rule file's text.</param>
    public static async Task<PrometheusProcess> StartAsync(Uri target, string rules)
    {
        var binary = LoopbackService.Binary("prometheus", "/usr/bin/prometheus", "/usr/local/bin/prometheus");
        var service = await LoopbackService.StartAsync(binary,
            (directory, port) =>
            [
                $"--config.file={Path.Combine(directory, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
            ],
            "-/ready",
            async directory =>
            {
                await File.WriteAllTextAsync(Path.Combine(directory, "rules.yml"), rules);
                await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), $"""
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files:
                      - {Path.Combine(directory, "rules.yml")}
                    scrape_configs:
                      - job_name: poolguard
                        metrics_path: /metrics
                        static_configs:
                          - targets: ['{target.Authority}']
                    """);
            });
        return new PrometheusProcess(service);
    }

    /// <summary>GET /api/v1/alerts: every pending or firing alert.</summary>
    public async Task<IReadOnlyList<JsonElement>> AlertsAsync()
    {
        var root = JsonDocument.Parse(await _service.Client.GetStringAsync("api/v1/alerts")).RootElement;
        return [.. root.GetProperty("data").GetProperty("alerts").EnumerateArray()];
    }

    /// <summary>An instant query; throws with Prometheus' error when it does not parse or run.</summary>
    public async Task<JsonElement> QueryAsync(string promql)
    {
        using var response = await _service.Client.GetAsync($"api/v1/query?query={Uri.EscapeDataString(promql)}");
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(root.GetProperty("status").GetString() == "success", $"{promql}: {root}");
        return root.GetProperty("data");
    }

    public ValueTask DisposeAsync() => _service.DisposeAsync();
}
