using System.Text.Json;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// A real Alertmanager (Debian's prometheus-alertmanager, which .ci/run installs) on a free loopback port, with
/// its own storage and no clustering, for the length of one test. Missing binary: the test skips on a developer
/// machine and fails when CI=true.
/// </summary>
internal sealed class AlertmanagerProcess : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly RunningProcess _process;
    private readonly string _directory;

    private AlertmanagerProcess(RunningProcess process, string directory, Uri url)
    {
        _process = process;
        _directory = directory;
        Url = url;
        Client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Url { get; }
    public HttpClient Client { get; }

    public static string? Binary() =>
        new[] { "/usr/bin/prometheus-alertmanager", "/usr/local/bin/alertmanager" }.FirstOrDefault(File.Exists);

    public static async Task<AlertmanagerProcess> StartAsync()
    {
        var binary = Binary();
        if (binary is null)
        {
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                "CI=true but prometheus-alertmanager is not installed (.ci/run installs it)");
            Skip.If(true, "prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager)");
        }
        var directory = Directory.CreateTempSubdirectory("poolguard-am-").FullName;
        var config = Path.Combine(directory, "alertmanager.yml");
        // Every alert goes to a receiver with no integrations: the test reads them back from the API.
        await File.WriteAllTextAsync(config, "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n");
        var port = PoolGuardProcess.UnusedPort();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var process = RunningProcess.Start(binary!,
        [
            $"--config.file={config}", $"--storage.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn",
        ]);
        var alertmanager = new AlertmanagerProcess(process, directory, url);
        var ready = await Eventually.TrueAsync(async () =>
        {
            Assert.False(process.HasExited, $"alertmanager exited.\n{process.Output()}");
            try
            {
                using var response = await alertmanager.Client.GetAsync("-/ready");
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, Bound);
        Assert.True(ready, $"alertmanager did not get ready on {url} within {Bound.TotalSeconds} s.\n{process.Output()}");
        return alertmanager;
    }

    /// <summary>The alerts Alertmanager holds as active (GET /api/v2/alerts), each as its JSON object.</summary>
    public async Task<IReadOnlyList<JsonElement>> ActiveAlertsAsync()
    {
        var text = await Client.GetStringAsync("api/v2/alerts?active=true&silenced=false&inhibited=false");
        return [.. JsonDocument.Parse(text).RootElement.EnumerateArray()];
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is under the temp directory.
        }
    }
}
