using System.Net.Http.Headers;
using PoolGuard.LoadTest.Workloads;

namespace PoolGuard.LoadTest.Sampling;

/// <summary>
/// The gateway's pools from its /metrics: clients active and waiting, servers active and idle, the longest wait.
/// Reads the pgbouncer_exporter names, so it samples PoolGuard and a PgBouncer behind its exporter alike.
/// </summary>
public sealed class GatewayMetricsSampler : IResourceSampler
{
    private static readonly Dictionary<string, string> Families = new(StringComparer.Ordinal)
    {
        ["pgbouncer_pools_client_active_connections"] = ResourceNames.GatewayClientsActive,
        ["pgbouncer_pools_client_waiting_connections"] = ResourceNames.GatewayClientsWaiting,
        ["pgbouncer_pools_server_active_connections"] = ResourceNames.GatewayServersActive,
        ["pgbouncer_pools_server_idle_connections"] = ResourceNames.GatewayServersIdle,
        ["pgbouncer_pools_client_maxwait_seconds"] = ResourceNames.GatewayMaxWaitSeconds,
        ["pgbouncer_stats_sql_transactions_pooled_total"] = ResourceNames.GatewayTransactionsTotal,
        ["pgbouncer_stats_server_in_transaction_seconds_total"] = ResourceNames.GatewayTransactionSecondsTotal,
    };

    private static readonly HashSet<string> FamilyNames = [.. Families.Keys];
    private static readonly HashSet<string> Largest = ["pgbouncer_pools_client_maxwait_seconds"];

    private readonly HttpClient _http;
    private readonly Uri _metrics;

    /// <param name="metrics">the /metrics URL itself, or the admin endpoint it hangs under (http://127.0.0.1:9930).</param>
    public GatewayMetricsSampler(Uri metrics, string? token)
    {
        _metrics = metrics.AbsolutePath is "" or "/" ? new Uri(metrics, "/metrics") : metrics;
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public string Source => $"gateway {_metrics}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var first = await SampleAsync(cancellationToken).ConfigureAwait(false);
            if (first.Count == 0)
            {
                throw new LoadTestSetupException($"{_metrics} has no pgbouncer_pools_* series: is it a PoolGuard or pgbouncer_exporter /metrics?");
            }
        }
        catch (HttpRequestException ex)
        {
            throw new LoadTestSetupException($"cannot sample the {Source}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LoadTestSetupException($"cannot sample the {Source}: no answer in {_http.Timeout.TotalSeconds:0} s", ex);
        }
    }

    public async Task<IReadOnlyDictionary<string, double>> SampleAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(_metrics, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var hint = response.StatusCode == System.Net.HttpStatusCode.Unauthorized ? " (give --token or $POOLGUARD_ADMIN_TOKEN)" : "";
            throw new HttpRequestException($"{_metrics} answered {(int)response.StatusCode} {response.ReasonPhrase}{hint}");
        }
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return MetricsExposition.Aggregate(text, FamilyNames, Largest).ToDictionary(pair => Families[pair.Key], pair => pair.Value);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
