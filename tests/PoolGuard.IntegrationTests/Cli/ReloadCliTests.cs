using System.Text.Json;
using Npgsql;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Cli;

/// <summary>A running poolguard picks up a changed file by itself and on SIGHUP; a broken file changes nothing.</summary>
public sealed class ReloadCliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-reload-").FullName;

    [SkippableFact]
    public async Task An_edited_file_and_sighup_reload_while_an_invalid_file_is_refused_and_the_old_config_keeps_serving()
    {
        PgSandbox.Require();
        var port = PoolGuardProcess.UnusedPort();
        var config = Path.Combine(_directory, "poolguard.json");
        var events = Path.Combine(_directory, "events.jsonl");
        string Json(string poolSize) => $$"""
            {
              "PoolGuard": {
                "ListenAddress": "127.0.0.1", "ListenPort": {{port}}, "AuthType": "scram-sha-256",
                "DefaultPoolSize": {{poolSize}}, "EventLogFile": "events.jsonl",
                "Databases": { "app": { "Host": "{{PgSandbox.Host}}", "Port": {{PgSandbox.Port}} } },
                "Users": { "{{Roles.App}}": { "Password": "{{Roles.AppPassword}}" } }
              }
            }
            """;
        File.WriteAllText(config, Json("3"));
        await using var gateway = await PoolGuardProcess.StartAsync(config, port);
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = Roles.App, Password = Roles.AppPassword, Database = "app", Pooling = false, Timeout = 15,
        }.ConnectionString;

        // Invalid: refused with the reason; the gateway goes on with the old configuration.
        File.WriteAllText(config, Json("-1"));
        var refused = await NextEventAsync(events, "reload_failed", gateway);
        Assert.Contains("DefaultPoolSize", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await QueryAsync(connectionString));

        // Fixed: the edit alone reloads.
        File.WriteAllText(config, Json("2"));
        var edited = await NextEventAsync(events, "reloaded", gateway);
        Assert.Contains("DefaultPoolSize: 3 → 2", edited.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await gateway.SignalAsync("HUP");
        var signalled = await NextEventAsync(events, "reloaded", gateway, after: edited.GetProperty("seq").GetInt64());
        Assert.Contains("nothing changed", signalled.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(gateway.HasExited, "SIGHUP must reload, not stop");
        Assert.Equal(1, await QueryAsync(connectionString));

        await gateway.SignalAsync("TERM");
        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(20)), gateway.Output());
        Assert.Equal(0, gateway.Result().ExitCode);
    }

    private static async Task<int> QueryAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select 1", connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The first event of <paramref name="kind"/> with a sequence number above <paramref name="after"/>, within 15 s.</summary>
    private static async Task<JsonElement> NextEventAsync(string file, string kind, RunningProcess gateway, long after = 0)
    {
        JsonElement? found = null;
        var seen = await Eventually.TrueAsync(() =>
        {
            if (!File.Exists(file))
            {
                return false;
            }
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            found = lines.Select(l => JsonDocument.Parse(l).RootElement.Clone())
                .FirstOrDefault(e => e.GetProperty("kind").GetString() == kind && e.GetProperty("seq").GetInt64() > after) is { ValueKind: JsonValueKind.Object } e ? e : null;
            return found is not null;
        }, TimeSpan.FromSeconds(15));
        Assert.True(seen, $"no {kind} event after #{after} within 15 s.\n{gateway.Output()}");
        return found!.Value;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
