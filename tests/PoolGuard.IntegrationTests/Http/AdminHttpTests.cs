using System.Net;
using System.Text.Json;
using Npgsql;
using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Pooling;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Http;

/// <summary>The admin HTTP endpoint over real loopback HTTP, in front of a real gateway and PostgreSQL.</summary>
public sealed class AdminHttpTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task Healthz_answers_200_ok_while_the_process_runs()
    {
        await using var http = await AdminHttpHarness.StartAsync();
        using var response = await http.SendAsync("/healthz").WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await response.Content.ReadAsStringAsync()).Trim());
    }

    [SkippableFact]
    public async Task Readyz_answers_200_when_the_gateway_accepts_and_a_database_answers()
    {
        await using var http = await AdminHttpHarness.StartAsync();
        using var response = await http.SendAsync("/readyz").WaitAsync(Bound);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("ready").GetBoolean());
        Assert.Contains("app", body.GetProperty("reachable_databases").EnumerateArray().Select(e => e.GetString()));
    }

    [SkippableFact]
    public async Task Readyz_answers_503_with_a_reason_when_the_only_database_is_unreachable()
    {
        var closedPort = PoolGuardProcess.UnusedPort();
        await using var http = await AdminHttpHarness.StartAsync(c => c with
        {
            Databases = new Dictionary<string, Config.Model.DatabaseEntry>
            {
                ["gone"] = new() { Name = "gone", Host = "127.0.0.1", Port = closedPort },
            },
        });
        using var response = await http.SendAsync("/readyz").WaitAsync(Bound);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.False(body.GetProperty("ready").GetBoolean());
        Assert.Contains("TCP connect", body.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Readyz_answers_503_once_the_gateway_stops_accepting()
    {
        await using var http = await AdminHttpHarness.StartAsync();
        await http.Gateway.Server.StopAsync(TimeSpan.FromSeconds(5)).WaitAsync(Bound);
        using var response = await http.SendAsync("/readyz").WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("not accepting", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Api_pools_clients_servers_and_stats_return_snake_case_json_with_the_gateways_numbers()
    {
        await using var http = await AdminHttpHarness.StartAsync();
        await using var holder = await http.Gateway.OpenAsync().WaitAsync(Bound);
        await using (var begin = new NpgsqlCommand("begin; select 1", holder))
        {
            await begin.ExecuteNonQueryAsync().WaitAsync(Bound);
        }

        var pools = JsonDocument.Parse(await http.GetStringAsync("/api/pools").WaitAsync(Bound)).RootElement;
        var pool = pools.EnumerateArray().Single(p => p.GetProperty("database").GetString() == "app" && p.GetProperty("user").GetString() == Roles.App);
        var snapshot = http.Gateway.Pool()!;
        Assert.Equal(snapshot.ClientsActive, pool.GetProperty("cl_active").GetInt32());
        Assert.Equal(snapshot.ServersActive, pool.GetProperty("sv_active").GetInt32());
        Assert.Equal(snapshot.PoolSize, pool.GetProperty("pool_size").GetInt32());
        Assert.True(pool.TryGetProperty("max_wait_ms", out _));

        var clients = JsonDocument.Parse(await http.GetStringAsync("/api/clients").WaitAsync(Bound)).RootElement;
        var client = clients.EnumerateArray().Single(c => c.GetProperty("database").GetString() == "app");
        Assert.Equal("active", client.GetProperty("state").GetString());
        Assert.Equal("poolguard-tests", client.GetProperty("application_name").GetString());

        var servers = JsonDocument.Parse(await http.GetStringAsync("/api/servers").WaitAsync(Bound)).RootElement;
        var server = servers.EnumerateArray().Single(s => s.GetProperty("state").GetString() == "active");
        Assert.Equal(client.GetProperty("linked_server_id").GetInt64(), server.GetProperty("id").GetInt64());
        Assert.True(server.GetProperty("backend_pid").GetInt32() > 0);

        var stats = JsonDocument.Parse(await http.GetStringAsync("/api/stats").WaitAsync(Bound)).RootElement;
        var app = stats.EnumerateArray().Single(s => s.GetProperty("database").GetString() == "app");
        Assert.True(app.GetProperty("total_server_assignment_count").GetInt64() >= 1);
        Assert.True(app.TryGetProperty("total_received_bytes", out _));
        Assert.True(app.TryGetProperty("total_wait_time_ms", out _));
    }

    [SkippableFact]
    public async Task Api_pools_reports_the_pool_mode_in_force_a_users_own_over_the_database_and_the_global_one()
    {
        await using var http = await AdminHttpHarness.StartAsync(c => c with
        {
            PoolMode = Config.Model.PoolMode.Session,
            Users = new Dictionary<string, Config.Model.UserEntry>(c.Users)
            {
                [Roles.Scram] = c.Users[Roles.Scram] with { PoolMode = Config.Model.PoolMode.Transaction },
            },
        });
        await using var session = await http.Gateway.OpenAndQueryAsync().WaitAsync(Bound);
        await using var transaction = await http.Gateway.OpenAndQueryAsync(Roles.Scram, Roles.ScramPassword).WaitAsync(Bound);

        var pools = JsonDocument.Parse(await http.GetStringAsync("/api/pools").WaitAsync(Bound)).RootElement.EnumerateArray().ToList();
        string Mode(string user) => pools.Single(p => p.GetProperty("user").GetString() == user).GetProperty("pool_mode").GetString()!;
        Assert.Equal("session", Mode(Roles.App));
        Assert.Equal("transaction", Mode(Roles.Scram));
    }

    [SkippableFact]
    public async Task The_control_api_acts_through_the_same_control_as_the_console_and_only_with_a_token()
    {
        const string token = "control-token-for-tests";
        await using (var open = await AdminHttpHarness.StartAsync())
        {
            using var forbidden = await open.SendAsync(HttpMethod.Post, "/api/control/pause?database=app").WaitAsync(Bound);
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Contains("admin_http_token", await forbidden.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.DoesNotContain(open.Gateway.Server.Events.Recent(), e => e.Kind == GatewayEventKind.Paused);
        }

        await using var http = await AdminHttpHarness.StartAsync(c => c with { AdminHttpToken = token });
        using (var wrong = await http.SendAsync(HttpMethod.Post, "/api/control/pause?database=app", "not-the-token").WaitAsync(Bound))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path)
        {
            using var response = await http.SendAsync(HttpMethod.Post, path, token).WaitAsync(Bound);
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        var paused = await PostAsync("/api/control/pause?database=app");
        Assert.Equal(HttpStatusCode.OK, paused.Status);
        Assert.True(paused.Body.GetProperty("done").GetBoolean());
        // Paused for real: a new client's first query waits, and RESUME over HTTP lets it through.
        var waiting = http.Gateway.OpenAndQueryAsync();
        await Eventually.AssertAsync(() => http.Gateway.Pool()?.ClientsWaiting ?? 0, n => n == 1, Bound, "a client waiting while paused");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/api/control/resume?database=app")).Status);
        await using (await waiting.WaitAsync(Bound))
        {
        }

        var unknown = await PostAsync("/api/control/disable?database=nosuchdb");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("nosuchdb", unknown.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync("/api/control/kill-client?id=999999999")).Status);
        var reload = await PostAsync("/api/control/reload");
        Assert.Equal((HttpStatusCode)422, reload.Status);
        Assert.Contains("without a configuration file", reload.Body.GetProperty("notes")[0].GetString(), StringComparison.Ordinal);
        var set = await PostAsync("/api/control/set?key=default_pool_size&value=7");
        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal(7, http.Gateway.Server.Config.DefaultPoolSize);
        Assert.Equal(7, http.Gateway.Pool()?.PoolSize);
        var unknownKey = await PostAsync("/api/control/set?key=no_such_setting&value=1");
        Assert.Equal(HttpStatusCode.BadRequest, unknownKey.Status);
        Assert.Contains("unknown setting", unknownKey.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("/api/control/set?key=listen_port&value=1")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("/api/control/set?key=default_pool_size")).Status);
        Assert.Equal(7, http.Gateway.Server.Config.DefaultPoolSize);

        var events = http.Gateway.Server.Events.Recent().Where(e => e.Kind is GatewayEventKind.Paused or GatewayEventKind.Resumed).ToList();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Contains("by admin HTTP (127.0.0.1:", e.Detail, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Api_events_pages_with_since_and_lists_the_newest_last()
    {
        await using var http = await AdminHttpHarness.StartAsync();
        var first = JsonDocument.Parse(await http.GetStringAsync("/api/events").WaitAsync(Bound)).RootElement;
        var events = first.GetProperty("events").EnumerateArray().ToList();
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "started");
        var sequences = events.Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        var last = first.GetProperty("last_sequence").GetInt64();
        Assert.Equal(sequences[^1], last);

        http.Gateway.Server.Apply(http.Gateway.Config with { DefaultPoolSize = 6 });
        var next = JsonDocument.Parse(await http.GetStringAsync($"/api/events?since={last}").WaitAsync(Bound)).RootElement;
        var newer = next.GetProperty("events").EnumerateArray().ToList();
        Assert.NotEmpty(newer);
        Assert.All(newer, e => Assert.True(e.GetProperty("sequence").GetInt64() > last));
    }

    [SkippableFact]
    public async Task Metrics_parse_as_prometheus_text_and_the_pool_gauges_equal_show_pools_while_clients_hold_servers()
    {
        await using var http = await AdminHttpHarness.StartAsync(c => c with { DefaultPoolSize = 2 });
        var holders = new List<NpgsqlConnection>();
        for (var i = 0; i < 2; i++)
        {
            var connection = await http.Gateway.OpenAsync().WaitAsync(Bound);
            await using var begin = new NpgsqlCommand("begin; select 1", connection);
            await begin.ExecuteNonQueryAsync().WaitAsync(Bound);
            holders.Add(connection);
        }
        // A third client queues for one of the two servers (in session mode, at its first query).
        var queued = http.Gateway.OpenAndQueryAsync();
        await Eventually.AssertAsync(() => http.Gateway.Pool(), p => p is { ClientsWaiting: 1 }, Bound, "third client did not queue");
        try
        {
            var scrape = PrometheusTextParser.Parse(await http.GetStringAsync("/metrics").WaitAsync(Bound));
            var pool = http.Gateway.Pool()!;
            AssertPoolGauges(scrape, pool);

            Assert.Equal("gauge", scrape.Types["pgbouncer_pools_client_waiting_connections"]);
            Assert.Equal("counter", scrape.Types["pgbouncer_stats_queries_pooled_total"]);
            Assert.Equal("histogram", scrape.Types["db_client_connection_wait_time_seconds"]);
            Assert.Equal(http.Gateway.Config.MaxClientConn, Single(scrape, "pgbouncer_config_max_client_connections", _ => true));
            Assert.Equal(1, Single(scrape, "pgbouncer_up", _ => true));
        }
        finally
        {
            foreach (var holder in holders)
            {
                await holder.DisposeAsync();
            }
            await using var waiter = await queued.WaitAsync(Bound);
        }
    }

    [SkippableFact]
    public async Task Metrics_histograms_have_cumulative_monotonic_buckets_ending_in_inf_equal_to_count()
    {
        await using var http = await AdminHttpHarness.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await http.Gateway.AssertServesNewClientAsync().WaitAsync(Bound);
        }
        var scrape = PrometheusTextParser.Parse(await http.GetStringAsync("/metrics").WaitAsync(Bound));
        foreach (var histogram in new[] { "db_client_connection_wait_time_seconds", "db_client_connection_use_time_seconds", "db_client_connection_create_time_seconds" })
        {
            var buckets = scrape.Named(histogram + "_bucket").Where(s => s.Label("db_client_connection_pool_name") == $"app/{Roles.App}").ToList();
            Assert.NotEmpty(buckets);
            var bounds = buckets.Select(b => b.Label("le") == "+Inf" ? double.PositiveInfinity : double.Parse(b.Label("le")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(bounds.Order(), bounds);
            Assert.True(double.IsPositiveInfinity(bounds[^1]), $"{histogram} must end with le=\"+Inf\"");
            for (var i = 1; i < buckets.Count; i++)
            {
                Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"{histogram} buckets must not decrease");
            }
            var count = scrape.Named(histogram + "_count").Single(s => s.Label("db_client_connection_pool_name") == $"app/{Roles.App}").Value;
            Assert.Equal(count, buckets[^1].Value);
            Assert.True(count >= 1, $"{histogram} recorded nothing");
        }
    }

    [SkippableFact]
    public async Task With_a_token_metrics_and_api_refuse_a_missing_or_wrong_token_and_accept_the_right_one_while_probes_stay_open()
    {
        const string token = "s3cret-token-for-tests";
        await using var http = await AdminHttpHarness.StartAsync(c => c with { AdminHttpToken = token });
        foreach (var path in new[] { "/metrics", "/api/pools", "/api/clients", "/api/servers", "/api/stats", "/api/events" })
        {
            using (var missing = await http.SendAsync(path).WaitAsync(Bound))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
                Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
            }
            using (var wrong = await http.SendAsync(path, "s3cret-token-for-test").WaitAsync(Bound))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
                Assert.DoesNotContain(token, await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            using var right = await http.SendAsync(path, token).WaitAsync(Bound);
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        }
        using var health = await http.SendAsync("/healthz").WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var ready = await http.SendAsync("/readyz").WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    /// <summary>Both families' pool gauges against the snapshot SHOW POOLS prints.</summary>
    private static void AssertPoolGauges(PrometheusTextParser.Scrape scrape, PoolSnapshot pool)
    {
        bool Ours(PrometheusSample s) => s.Label("database") == pool.Key.Database && s.Label("user") == pool.Key.User;
        Assert.Equal(pool.ClientsActive, Single(scrape, "pgbouncer_pools_client_active_connections", Ours));
        Assert.Equal(pool.ClientsWaiting, Single(scrape, "pgbouncer_pools_client_waiting_connections", Ours));
        Assert.Equal(pool.ServersActive, Single(scrape, "pgbouncer_pools_server_active_connections", Ours));
        Assert.Equal(pool.ServersIdle, Single(scrape, "pgbouncer_pools_server_idle_connections", Ours));
        Assert.Equal(pool.ServersUsed, Single(scrape, "pgbouncer_pools_server_used_connections", Ours));
        Assert.Equal(pool.ServersLogin, Single(scrape, "pgbouncer_pools_server_login_connections", Ours));
        Assert.True(Single(scrape, "pgbouncer_pools_client_maxwait_seconds", Ours) >= 0);

        var name = pool.Key.ToString();
        bool Named(PrometheusSample s) => s.Label("db_client_connection_pool_name") == name;
        Assert.Equal(pool.ServersIdle, Single(scrape, "db_client_connection_count", s => Named(s) && s.Label("db_client_connection_state") == "idle"));
        Assert.Equal(pool.ServersActive + pool.ServersUsed + pool.ServersLogin, Single(scrape, "db_client_connection_count", s => Named(s) && s.Label("db_client_connection_state") == "used"));
        Assert.Equal(pool.ClientsWaiting, Single(scrape, "db_client_connection_pending_requests", Named));
        Assert.Equal(pool.PoolSize, Single(scrape, "db_client_connection_max", Named));
    }

    private static double Single(PrometheusTextParser.Scrape scrape, string name, Func<PrometheusSample, bool> match) =>
        scrape.Named(name).Single(match).Value;
}
