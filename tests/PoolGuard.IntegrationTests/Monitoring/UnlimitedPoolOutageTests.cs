using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using PoolGuard.Config.Alerts;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Monitoring;

/// <summary>
/// The outage PoolGuard was built after, replayed on the sandbox: an application with an unlimited Npgsql pool
/// opens connections straight to PostgreSQL, past the gateway, until PostgreSQL refuses it. The database
/// headroom alert must fire before the first refusal and reach a real Alertmanager and a webhook receiver;
/// diagnose must name connection exhaustion and the application; when the application lets go, the alert
/// resolves everywhere.
/// </summary>
public sealed class UnlimitedPoolOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Application = "orders-api";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    /// <summary>
    /// The surge's pace: one more connection every 1.2 s. From the warning threshold (80 % of 37 usable) to the last
    /// slot is 7 connections, 8.4 s; the alert needs a watcher sample, an evaluation, its `for` and a delivery (≈ 4 s).
    /// </summary>
    private static readonly TimeSpan Pace = TimeSpan.FromSeconds(1.2);

    private readonly List<NpgsqlConnection> _application = [];
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await LetGoAsync();
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
    }

    private async Task LetGoAsync()
    {
        foreach (var connection in _application)
        {
            await connection.DisposeAsync();
        }
        _application.Clear();
        NpgsqlConnection.ClearAllPools();
    }

    private static bool Names(JsonElement alert, string rule) =>
        alert.GetProperty("labels").GetProperty("alertname").GetString() == rule;

    [SkippableFact]
    public async Task The_unlimited_pool_outage_is_alerted_before_the_first_refusal_diagnosed_by_name_and_resolved_everywhere()
    {
        var alertmanager = await AlertmanagerProcess.StartAsync();
        _owned.Add(alertmanager);
        var hook = await WebhookReceiver.StartAsync();
        _owned.Add(hook);
        // The shipped rule's for (30 s) scaled down with the surge, which here takes seconds, not minutes.
        var high = DefaultAlertRules.Find("DatabaseConnectionsHigh")! with { For = TimeSpan.FromSeconds(1) };
        var http = await AdminHttpHarness.StartAsync(c => c with
        {
            WatchUser = Roles.Watch,
            WatchPassword = Roles.WatchPassword,
            WatchInterval = TimeSpan.FromSeconds(1),
            AlertEvaluationInterval = TimeSpan.FromSeconds(1),
            Alerts = new Dictionary<string, AlertRuleEntry>(StringComparer.Ordinal) { [high.Name] = high },
            AlertmanagerUrls = [alertmanager.Url.ToString()],
            AlertWebhookUrls = [hook.Url.ToString()],
        });
        _owned.Add(http);

        // The application: Npgsql with no cap that matters, straight to PostgreSQL.
        var unlimited = new NpgsqlConnectionStringBuilder(PgSandbox.DirectConnectionString(Roles.App, Roles.AppPassword, applicationName: Application))
        {
            Pooling = true, MaxPoolSize = 1000,
        }.ConnectionString;
        var clock = Stopwatch.StartNew();
        TimeSpan? firstRefusal = null;
        TimeSpan? firstFiring = null;
        while (firstRefusal is null && clock.Elapsed < Bound)
        {
            firstFiring ??= hook.Bodies.Any(b => b.GetProperty("status").GetString() == "firing"
                && b.GetProperty("groupLabels").GetProperty("alertname").GetString() == high.Name) ? clock.Elapsed : null;
            var connection = new NpgsqlConnection(unlimited);
            try
            {
                await connection.OpenAsync().WaitAsync(Bound);
                _application.Add(connection);
            }
            catch (PostgresException ex) when (ex.SqlState == "53300")
            {
                firstRefusal = clock.Elapsed;
                await connection.DisposeAsync();
            }
            await Task.Delay(Pace);
        }
        Assert.NotNull(firstRefusal);
        output.WriteLine($"{_application.Count} connections opened; {high.Name} reached the webhook at {firstFiring?.TotalSeconds:0.0} s, PostgreSQL refused at {firstRefusal.Value.TotalSeconds:0.0} s");
        Assert.True(firstFiring < firstRefusal, $"{high.Name} reached the webhook before the first refusal (webhook {firstFiring}, refusal {firstRefusal})");

        var firing = hook.Bodies.First(b => b.GetProperty("status").GetString() == "firing" && b.GetProperty("groupLabels").GetProperty("alertname").GetString() == high.Name);
        // One alert per watched name of the cluster (app, pgbench): each names the application.
        Assert.All(firing.GetProperty("alerts").EnumerateArray(), a =>
            Assert.Contains($"most are held by {Application}", a.GetProperty("annotations").GetProperty("summary").GetString(), StringComparison.Ordinal));
        await Eventually.AssertAsync(alertmanager.ActiveAlertsAsync, list => list.Any(a => Names(a, high.Name)), Bound, $"{high.Name} active in Alertmanager");
        await Eventually.AssertAsync(alertmanager.ActiveAlertsAsync, list => list.Any(a => Names(a, "DatabaseConnectionsCritical")), Bound, "DatabaseConnectionsCritical active in Alertmanager");

        // The responder's first question, answered with the name.
        var diagnose = await ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost,
            [PoolGuardProcess.Executable, "diagnose", "--gateway", http.Host.AdminAddress!.ToString(), "--seconds", "2", "--format", "json"], Bound);
        Assert.True(diagnose.ExitCode == 2, diagnose.ToString());
        var report = JsonDocument.Parse(diagnose.Stdout).RootElement;
        var top = report.GetProperty("findings")[0];
        Assert.Equal(("connection_exhaustion", "confirmed"), (top.GetProperty("cause").GetString(), top.GetProperty("status").GetString()));
        Assert.Contains($"'{Application}' holds", top.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var surge = report.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("cause").GetString() == "traffic_surge");
        Assert.NotEqual("confirmed", surge.GetProperty("status").GetString()); // not a DDoS: the gateway refused no one

        // The application lets go: the alert resolves at the webhook and in Alertmanager.
        await LetGoAsync();
        await Eventually.AssertAsync(() => Task.FromResult(hook.Bodies.Any(b => b.GetProperty("status").GetString() == "resolved"
            && b.GetProperty("groupLabels").GetProperty("alertname").GetString() == high.Name)), resolved => resolved, Bound, $"{high.Name} resolved at the webhook");
        await Eventually.AssertAsync(alertmanager.ActiveAlertsAsync, list => !list.Any(a => Names(a, high.Name) || Names(a, "DatabaseConnectionsCritical")), Bound,
            "no database connection alert active in Alertmanager");
    }
}
