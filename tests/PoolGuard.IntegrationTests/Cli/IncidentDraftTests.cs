using Npgsql;
using PoolGuard.IntegrationTests.Infrastructure;
using PoolGuard.IntegrationTests.LoadTest;

namespace PoolGuard.IntegrationTests.Cli;

/// <summary>
/// `incident draft --events` on a real saturation episode: six clients through a real PoolGuard with a pool of 2, each
/// holding a server for half a second, written to the gateway's event log; the draft has the saturation as a
/// detection from PoolGuard, then its recovery, in order, each with the event's sequence number as evidence.
/// </summary>
public sealed class IncidentDraftTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-incident-draft-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [SkippableFact]
    public async Task A_saturation_episode_drafts_a_timeline_of_detection_then_recovery()
    {
        PgSandbox.Require();
        var port = PoolGuardProcess.UnusedPort();
        var events = Path.Combine(_directory, "events.jsonl");
        await using (var gateway = await SmallPoolGateway.StartAsync(_directory, port, poolSize: 2, eventLog: events))
        {
            var connection = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1", Port = port, Database = "app", Username = PgSandbox.Roles.App, Password = PgSandbox.Roles.AppPassword, Pooling = false,
            }.ConnectionString;
            await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
            {
                await using var client = new NpgsqlConnection(connection);
                await client.OpenAsync();
                await using var sleep = new NpgsqlCommand("SELECT pg_sleep(0.5)", client);
                await sleep.ExecuteNonQueryAsync();
            }));
            // The episode ends after a quiet second (the upkeep's), then the background writer appends it.
            await Eventually.AssertAsync(async () => File.Exists(events) ? await ReadSharedAsync(events) : "", text => text.Contains("pool_recovered", StringComparison.Ordinal),
                TimeSpan.FromSeconds(15), "the event log records the recovery");
        }

        var store = Path.Combine(_directory, "incidents.db");
        var draft = await ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost,
            [PoolGuardProcess.Executable, "incident", "draft", "--events", events, "--title", "Pool app saturated", "--id", "drill-1", "--store", store], Bound);

        Assert.True(draft.ExitCode == 0, draft.ToString());
        Assert.Contains($"drafted from {events} as drill-1", draft.Stdout, StringComparison.Ordinal);
        var lines = draft.Stdout.Split('\n');
        var saturated = Array.FindIndex(lines, l => l.Contains("detection", StringComparison.Ordinal) && l.Contains($"app/{PgSandbox.Roles.App}: pool saturated", StringComparison.Ordinal));
        var recovered = Array.FindIndex(lines, l => l.Contains("note", StringComparison.Ordinal) && l.Contains("pool recovered", StringComparison.Ordinal) && l.Contains("peak_waiting", StringComparison.Ordinal));
        Assert.True(saturated >= 0 && recovered > saturated, draft.Stdout);
        Assert.DoesNotContain(lines, l => l.Contains(": started:", StringComparison.Ordinal)); // the gateway starting is no incident entry

        var shown = await ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, "incident", "show", "drill-1", "--store", store], Bound);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("time to detect       0 min", shown.Stdout, StringComparison.Ordinal); // the first entry is the saturation
    }

    private static async Task<string> ReadSharedAsync(string file)
    {
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
