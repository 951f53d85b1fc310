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

        // The responder annotates the draft: a DDoS theory opened a minute after the saturation, ruled out; the pool confirmed.
        var first = (await ReadSharedAsync(events)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement)
            .First(e => e.GetProperty("kind").GetString() == "pool_saturated").GetProperty("time").GetDateTimeOffset();
        string At(int minutes) => first.AddMinutes(minutes).UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture); // exact: a minute, not 59.5 s
        Task<ProcessResult> Incident(params string[] arguments) =>
            ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, "incident", .. arguments, "--store", store], Bound);
        Assert.Equal(0, (await Incident("open-path", "drill-1", "--at", At(1), "--hypothesis", "a DDoS attack")).ExitCode);
        Assert.Equal(0, (await Incident("close-path", "drill-1", "P1", "--at", At(6), "--outcome", "ruled-out", "--because", "the clients were our own")).ExitCode);
        Assert.Equal(0, (await Incident("open-path", "drill-1", "--at", At(6), "--hypothesis", "the pool of 2 is too small")).ExitCode);
        Assert.Equal(0, (await Incident("close-path", "drill-1", "P2", "--at", At(7), "--outcome", "confirmed", "--because", "2 of 2 servers busy")).ExitCode);
        var wrong = await Incident("close-path", "drill-1", "P1", "--at", At(8), "--outcome", "confirmed", "--because", "again");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("P1 is already closed", wrong.Stderr, StringComparison.Ordinal);

        var shown = await Incident("show", "drill-1");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("time to detect       0 min", shown.Stdout, StringComparison.Ordinal); // the first entry is the saturation
        Assert.Contains("time to root cause   7 min", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("misleading paths     1, 5 min", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("hint: the signal that could have ruled out \"a DDoS attack\" was available 1 min before the path was opened: "
            + $"PoolGuard's \"app/{PgSandbox.Roles.App}: pool saturated", shown.Stdout, StringComparison.Ordinal);
    }

    private static async Task<string> ReadSharedAsync(string file)
    {
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
