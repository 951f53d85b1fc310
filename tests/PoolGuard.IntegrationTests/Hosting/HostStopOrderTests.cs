using System.Net;
using Npgsql;
using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.Hosting;

/// <summary>
/// The process host's stop order, on the host `poolguard run` builds: the gateway drains first (no new
/// clients, open transactions finish) while the admin HTTP endpoint still answers — /readyz with 503,
/// /metrics with the numbers — and only then does the HTTP endpoint close.
/// </summary>
public sealed class HostStopOrderTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task Stopping_drains_the_gateway_while_readyz_says_503_and_metrics_answer_then_closes_http()
    {
        var http = await AdminHttpHarness.StartAsync(c => c with { ShutdownTimeout = TimeSpan.FromSeconds(30) });
        var address = http.Client.BaseAddress!;
        await using var holder = await http.Gateway.OpenAsync().WaitAsync(Bound);
        await using (var begin = new NpgsqlCommand("begin; select 1", holder))
        {
            await begin.ExecuteNonQueryAsync().WaitAsync(Bound);
        }

        var stop = http.Host.StopAsync();
        // The drain waits for the open transaction, so the host cannot get past it yet.
        await WaitUntilAsync(async () =>
        {
            using var ready = await http.SendAsync("/readyz").WaitAsync(Bound);
            return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
        });
        using (var metrics = await http.SendAsync("/metrics").WaitAsync(Bound))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            var scrape = PrometheusTextParser.Parse(await metrics.Content.ReadAsStringAsync());
            Assert.Equal(1, scrape.Named("pgbouncer_pools_server_active_connections").Single(s => s.Label("database") == "app").Value);
        }
        Assert.False(stop.IsCompleted, "the host stopped while a transaction was still open");

        await using (var commit = new NpgsqlCommand("commit", holder))
        {
            await commit.ExecuteNonQueryAsync().WaitAsync(Bound);
        }
        await stop.WaitAsync(Bound);
        using var closed = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<HttpRequestException>(() => closed.GetAsync(new Uri(address, "/healthz")).WaitAsync(Bound));
        await http.DisposeAsync();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true within the bound");
            await Task.Delay(50);
        }
    }
}
