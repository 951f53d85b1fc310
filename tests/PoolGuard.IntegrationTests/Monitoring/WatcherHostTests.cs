using System.Net;
using System.Text.Json;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Monitoring;

/// <summary>
/// The watcher as `poolguard run` hosts it: watch settings in the config, samples of the real sandbox
/// PostgreSQL on /api/databases and as poolguard_db_* series on /metrics, and live reload of [watch].
/// </summary>
public sealed class WatcherHostTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _app = $"direct-{Guid.NewGuid():N}"[..20];
    private readonly List<NpgsqlConnection> _connections = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    private static WatchEntry Direct(string name, int? port = null) =>
        new() { Name = name, Host = PgSandbox.Host, Port = port ?? PgSandbox.Port, DbName = "app" };

    private static Task<AdminHttpHarness> StartWatchingAsync(params WatchEntry[] entries) =>
        AdminHttpHarness.StartAsync(c => c with
        {
            WatchUser = Roles.Watch,
            WatchPassword = Roles.WatchPassword,
            WatchInterval = TimeSpan.FromSeconds(1),
            Watch = entries.ToDictionary(e => e.Name, StringComparer.Ordinal),
        });

    /// <summary>An application that connects straight to PostgreSQL, past the gateway.</summary>
    private async Task OpenDirectAsync()
    {
        var connection = new NpgsqlConnection(PgSandbox.DirectConnectionString(Roles.App, Roles.AppPassword, applicationName: _app));
        _connections.Add(connection);
        await connection.OpenAsync().WaitAsync(Bound);
    }

    private static async Task<JsonElement> DatabasesAsync(AdminHttpHarness http) =>
        JsonDocument.Parse(await http.GetStringAsync("/api/databases").WaitAsync(Bound)).RootElement;

    private static JsonElement? Database(JsonElement list, string name) =>
        list.GetProperty("databases").EnumerateArray().Cast<JsonElement?>().FirstOrDefault(d => d!.Value.GetProperty("name").GetString() == name);

    private static Task<JsonElement> EventuallyListedAsync(AdminHttpHarness http, string name, Func<JsonElement, bool> expected, string what) =>
        Eventually.AssertAsync(
            async () => Database(await DatabasesAsync(http), name) ?? default,
            d => d.ValueKind == JsonValueKind.Object && expected(d), Bound, what);

    [SkippableFact]
    public async Task Api_databases_shows_the_configured_databases_and_a_watch_only_one_with_direct_connections()
    {
        await using var http = await StartWatchingAsync(Direct("direct"));
        await OpenDirectAsync();
        await OpenDirectAsync();

        var direct = await EventuallyListedAsync(http, "direct",
            d => d.GetProperty("by_application").EnumerateArray().Any(a => a.GetProperty("key").GetString() == _app && a.GetProperty("connections").GetInt32() == 2),
            "the watch-only database's sample counting the direct application's 2 connections");

        Assert.True(direct.GetProperty("watch_only").GetBoolean());
        Assert.Equal("up", direct.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, direct.GetProperty("error").ValueKind);
        var max = int.Parse(await PgSandbox.ScalarAsync<string>("show max_connections"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(max, direct.GetProperty("max_connections").GetInt32());
        Assert.Equal(direct.GetProperty("usable_connections").GetInt32() - direct.GetProperty("connections").GetInt32(),
            direct.GetProperty("headroom").GetInt32());

        var list = await DatabasesAsync(http);
        var app = Database(list, "app");
        Assert.NotNull(app);
        Assert.False(app.Value.GetProperty("watch_only").GetBoolean());
        Assert.Equal("up", app.Value.GetProperty("state").GetString());
        Assert.NotNull(Database(list, "pgbench"));
        Assert.Empty(list.GetProperty("not_watched").EnumerateArray());
    }

    [SkippableFact]
    public async Task Api_databases_name_answers_the_latest_sample_with_history_and_404_for_an_unwatched_name()
    {
        await using var http = await StartWatchingAsync();

        var detail = await Eventually.AssertAsync(
            async () => JsonDocument.Parse(await http.GetStringAsync("/api/databases/app").WaitAsync(Bound)).RootElement,
            d => d.GetProperty("history").GetArrayLength() >= 2, Bound, "two samples of app in its history");
        Assert.Equal("app", detail.GetProperty("latest").GetProperty("name").GetString());
        var history = detail.GetProperty("history").EnumerateArray().Select(p => p.GetProperty("taken_at").GetDateTimeOffset()).ToList();
        Assert.Equal(history.Order(), history);
        Assert.All(detail.GetProperty("history").EnumerateArray(), p => Assert.Equal("up", p.GetProperty("state").GetString()));

        using var missing = await http.SendAsync("/api/databases/nosuchdb").WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("nosuchdb", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Metrics_carry_poolguard_db_series_for_each_watched_database()
    {
        await using var http = await StartWatchingAsync(Direct("direct"));
        await OpenDirectAsync();

        var scrape = await Eventually.AssertAsync(
            async () => PrometheusTextParser.Parse(await http.GetStringAsync("/metrics").WaitAsync(Bound)),
            s => s.Named("poolguard_db_connections_by_application").Any(m => m.Label("database") == "direct" && m.Label("application") == _app),
            Bound, "poolguard_db_connections_by_application for the direct application");

        Assert.Equal("gauge", scrape.Types["poolguard_db_up"]);
        Assert.Equal("counter", scrape.Types["poolguard_db_commits_total"]);
        var up = scrape.Named("poolguard_db_up").ToDictionary(m => m.Label("database")!);
        Assert.Equal(1, up["app"].Value);
        Assert.Equal("false", up["app"].Label("watch_only"));
        Assert.Equal(1, up["direct"].Value);
        Assert.Equal("true", up["direct"].Label("watch_only"));
        var usable = scrape.Named("poolguard_db_usable_connections").Single(m => m.Label("database") == "direct").Value;
        var connections = scrape.Named("poolguard_db_connections").Single(m => m.Label("database") == "direct").Value;
        var headroom = scrape.Named("poolguard_db_connection_headroom").Single(m => m.Label("database") == "direct").Value;
        Assert.True(connections >= 2, $"the watcher's own and the direct application's connections at least, got {connections}");
        Assert.Equal(usable - connections, headroom);
        var ratio = scrape.Named("poolguard_db_connection_utilisation_ratio").Single(m => m.Label("database") == "direct").Value;
        Assert.InRange(ratio, connections / usable - 1e-9, connections / usable + 1e-9);
    }

    [SkippableFact]
    public async Task An_unreachable_watched_database_is_down_with_its_error_and_the_others_stay_up()
    {
        var closed = PoolGuardProcess.UnusedPort();
        await using var http = await StartWatchingAsync(Direct("gone", closed));

        var gone = await EventuallyListedAsync(http, "gone", d => d.GetProperty("state").GetString() == "down", "the unreachable database sampled as down");
        Assert.False(string.IsNullOrEmpty(gone.GetProperty("error").GetString()));

        var scrape = PrometheusTextParser.Parse(await http.GetStringAsync("/metrics").WaitAsync(Bound));
        Assert.Equal(0, scrape.Named("poolguard_db_up").Single(m => m.Label("database") == "gone").Value);
        Assert.Equal(1, scrape.Named("poolguard_db_up").Single(m => m.Label("database") == "app").Value);
        Assert.DoesNotContain(scrape.Named("poolguard_db_connections"), m => m.Label("database") == "gone");
    }

    [SkippableFact]
    public async Task Without_watch_user_a_database_without_a_forced_user_is_listed_as_not_watched_with_the_reason()
    {
        await using var http = await AdminHttpHarness.StartAsync(c => c with { WatchInterval = TimeSpan.FromSeconds(1) });

        var list = await Eventually.AssertAsync(() => DatabasesAsync(http),
            l => l.GetProperty("not_watched").GetArrayLength() == 2, Bound, "app and pgbench listed as not watched");
        Assert.Empty(list.GetProperty("databases").EnumerateArray());
        Assert.Contains(list.GetProperty("not_watched").EnumerateArray(),
            r => r.GetString()!.Contains("database app", StringComparison.Ordinal) && r.GetString()!.Contains("watch_user", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_reload_adds_and_removes_a_watched_database_without_a_restart()
    {
        await using var http = await StartWatchingAsync();
        await EventuallyListedAsync(http, "app", _ => true, "app sampled");
        Assert.Null(Database(await DatabasesAsync(http), "added"));

        var next = http.Gateway.Server.Config with
        {
            Watch = new Dictionary<string, WatchEntry>(StringComparer.Ordinal) { ["added"] = Direct("added") },
        };
        Assert.True(http.Gateway.Server.Apply(next).Applied);
        await EventuallyListedAsync(http, "added", d => d.GetProperty("state").GetString() == "up", "the added watch entry sampled");

        Assert.True(http.Gateway.Server.Apply(next with { Watch = new Dictionary<string, WatchEntry>(StringComparer.Ordinal) }).Applied);
        await Eventually.AssertAsync(() => DatabasesAsync(http), l => Database(l, "added") is null, Bound, "the removed watch entry gone from /api/databases");
        await Eventually.AssertAsync(
            () => PgSandbox.ScalarAsync<long>("select count(*) from pg_stat_activity where usename = $1 and application_name = 'poolguard-watcher'", Roles.Watch),
            n => n == 2, Bound, "the watcher's connections back to one per configured database (app, pgbench)");
    }
}
