using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.Http;

/// <summary>
/// What a surge and a bad day leave on /metrics and in the events: refusals counted by reason and
/// reported once per episode, server connection failures by stage, reloads by result, the caps in
/// force (live after a reload), and the process's own CPU, memory and GC. Read with the strict parser.
/// </summary>
public sealed class MetricsCountersTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task A_surge_of_refusals_is_one_event_pair_and_a_counter_and_failures_reloads_caps_and_the_process_are_on_metrics()
    {
        var nowhere = PoolGuardProcess.UnusedPort(); // nothing listens there: every connect is refused
        await using var http = await AdminHttpHarness.StartAsync(c => c with
        {
            MaxClientConn = 2,
            MaxServerConnections = 7,
            Databases = new Dictionary<string, DatabaseEntry>(c.Databases)
            {
                ["nowhere"] = new() { Name = "nowhere", Host = "127.0.0.1", Port = nowhere, MaxDbConnections = 4 },
            },
        });
        var gateway = http.Gateway;

        // The surge: two clients hold the gateway's two slots, ten more are turned away.
        const int refused = 10;
        await using (var first = await gateway.OpenAsync())
        await using (var second = await gateway.OpenAsync())
        {
            // Without GSS encryption: Npgsql's "prefer" retries a failed open once without it, a second connection.
            var once = new NpgsqlConnectionStringBuilder(gateway.ConnectionString()) { GssEncryptionMode = GssEncryptionMode.Disable }.ConnectionString;
            for (var i = 0; i < refused; i++)
            {
                await using var connection = new NpgsqlConnection(once);
                var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
                Assert.Equal("53300", error.SqlState);
            }
        }
        // One client_refused at once, then (after a quiet second) one refusals_ended with the count.
        await Eventually.AssertAsync(() => gateway.Server.Events.Recent().Count(e => e.Kind == GatewayEventKind.RefusalsEnded), n => n == 1, Bound,
            "refusals_ended events");
        var events = gateway.Server.Events.Recent();
        Assert.Single(events, e => e.Kind == GatewayEventKind.ClientRefused);
        var ended = events.Single(e => e.Kind == GatewayEventKind.RefusalsEnded);
        Assert.Equal(refused, ended.Numbers["refused"]);
        Assert.Equal(refused, ended.Numbers["refused_max_client_conn"]);
        Assert.Contains($"{refused} client(s) refused", ended.Detail, StringComparison.Ordinal);

        // A database that cannot be reached: a connect failure for its pool.
        var unreachable = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(database: "nowhere"));
        Assert.Equal("08006", unreachable.SqlState);

        // Reloads: one refused (no file behind this gateway), one applied that raises max_client_conn.
        Assert.False(gateway.Server.Reload().Applied);
        Assert.True(gateway.Server.Apply(gateway.Server.Config with { MaxClientConn = 3 }).Applied);

        PrometheusTextParser.Scrape scrape = null!;
        await Eventually.AssertAsync(async () =>
        {
            scrape = PrometheusTextParser.Parse(await http.GetStringAsync("/metrics"));
            return Value(scrape, "poolguard_server_connection_failures_total", ("db_client_connection_pool_name", $"nowhere/{PgSandbox.Roles.App}"), ("error_type", "connect"));
        }, n => n >= 1, Bound, "connect failures of pool nowhere");

        Assert.Equal("counter", scrape.Types["poolguard_client_refusals_total"]);
        Assert.Equal(refused, Value(scrape, "poolguard_client_refusals_total", ("error_type", "max_client_conn")));
        Assert.Equal(0, Value(scrape, "poolguard_server_connection_failures_total", ("db_client_connection_pool_name", $"nowhere/{PgSandbox.Roles.App}"), ("error_type", "login")));
        Assert.Equal(1, Value(scrape, "poolguard_config_reloads_total", ("poolguard_reload_result", "applied")));
        Assert.Equal(1, Value(scrape, "poolguard_config_reloads_total", ("poolguard_reload_result", "failed")));

        Assert.Equal("gauge", scrape.Types["poolguard_limit"]);
        Assert.Equal(3, Value(scrape, "poolguard_limit", ("poolguard_setting", "max_client_conn")));
        Assert.Equal(7, Value(scrape, "poolguard_limit", ("poolguard_setting", "max_server_connections")));
        Assert.Equal(4, Value(scrape, "poolguard_limit", ("poolguard_setting", "max_db_connections"), ("db_namespace", "nowhere")));
        Assert.DoesNotContain(scrape.Named("poolguard_limit"), s => s.Label("poolguard_setting") == "max_waiting_clients"); // off: not reported
        Assert.Equal(0, Value(scrape, "poolguard_client_connections"));

        // The process and the runtime, from OpenTelemetry's instrumentation.
        Assert.True(Value(scrape, "process_memory_usage_bytes") > 10_000_000);
        Assert.Equal("counter", scrape.Types["process_cpu_time_seconds_total"]);
        Assert.True(scrape.Named("process_cpu_time_seconds_total").Sum(s => s.Value) > 0);
        Assert.Equal("counter", scrape.Types["dotnet_gc_collections_total"]);
        Assert.True(Value(scrape, "process_thread_count") > 1);
    }

    /// <summary>The one sample of <paramref name="name"/> with exactly these labels.</summary>
    private static double Value(PrometheusTextParser.Scrape scrape, string name, params (string Name, string Value)[] labels)
    {
        var matching = scrape.Named(name).Where(s => s.Labels.Count == labels.Length && labels.All(l => s.Label(l.Name) == l.Value)).ToList();
        Assert.True(matching.Count == 1, $"{matching.Count} samples of {name} with {string.Join(", ", labels)}; all: {string.Join("; ", scrape.Named(name).Select(s => string.Join(",", s.Labels) + "=" + s.Value))}");
        return matching[0].Value;
    }
}
