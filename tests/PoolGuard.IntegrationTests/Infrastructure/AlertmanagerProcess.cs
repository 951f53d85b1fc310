using System.Text.Json;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>A real Alertmanager (Debian's prometheus-alertmanager) with no clustering, whose alerts a test reads back from its API.</summary>
internal sealed class AlertmanagerProcess : IAsyncDisposable
{
    private readonly LoopbackService _service;

    private AlertmanagerProcess(LoopbackService service) => _service = service;

    public Uri Url => _service.Url;

    public static async Task<AlertmanagerProcess> StartAsync()
    {
        var binary = LoopbackService.Binary("prometheus-alertmanager", "/usr/bin/prometheus-alertmanager", "/usr/local/bin/alertmanager");
        var service = await LoopbackService.StartAsync(binary,
            (directory, port) =>
            [
                $"--config.file={Path.Combine(directory, "alertmanager.yml")}", $"--storage.path={Path.Combine(directory, "data")}",
                $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn",
            ],
            "-/ready",
            // Every alert goes to a receiver with no integrations: the test reads them back from the API.
            directory => File.WriteAllTextAsync(Path.Combine(directory, "alertmanager.yml"), "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n"));
        return new AlertmanagerProcess(service);
    }

    /// <summary>The alerts Alertmanager holds as active (GET /api/v2/alerts), each as its JSON object.</summary>
    public async Task<IReadOnlyList<JsonElement>> ActiveAlertsAsync()
    {
        var text = await _service.Client.GetStringAsync("api/v2/alerts?active=true&silenced=false&inhibited=false");
        return [.. JsonDocument.Parse(text).RootElement.EnumerateArray()];
    }

    public ValueTask DisposeAsync() => _service.DisposeAsync();
}
