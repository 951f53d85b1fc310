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

    [SkippableFact]
    public async Task A_reload_that_changes_the_admin_http_token_names_it_but_no_output_shows_a_secret()
    {
        PgSandbox.Require();
        var port = PoolGuardProcess.UnusedPort();
        var httpPort = PoolGuardProcess.UnusedPort();
        var config = Path.Combine(_directory, "poolguard.json");
        var events = Path.Combine(_directory, "events.jsonl");
        const string OldToken = "old-token-4f1c9a", NewToken = "new-token-8e2d7b", OldPassword = "old-pw-51ab", NewPassword = "new-pw-93cd";
        string Json(string token, string password) => $$"""
            {
              "PoolGuard": {
                "ListenAddress": "127.0.0.1", "ListenPort": {{port}}, "AdminHttpPort": {{httpPort}}, "AdminHttpToken": "{{token}}",
                "EventLogFile": "events.jsonl",
                "Databases": { "app": { "Host": "{{PgSandbox.Host}}", "Port": {{PgSandbox.Port}}, "User": "{{Roles.App}}", "Password": "{{password}}" } },
                "Users": { "{{Roles.App}}": { "Password": "{{Roles.AppPassword}}" } }
              }
            }
            """;
        File.WriteAllText(config, Json(OldToken, OldPassword));
        await using var gateway = await PoolGuardProcess.StartAsync(config, port, new Dictionary<string, string>());

        File.WriteAllText(config, Json(NewToken, NewPassword));
        await gateway.SignalAsync("HUP");
        var reloaded = await NextEventAsync(events, "reloaded", gateway);
        Assert.Contains("AdminHttpToken changed", reloaded.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(15) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", NewToken);
        // The admin endpoint may come up a moment after the client port the start waited for.
        var api = "";
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            try
            {
                api = await http.GetStringAsync("/api/events");
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(15)), $"the admin HTTP endpoint did not answer.\n{gateway.Output()}");
        Assert.Contains("AdminHttpToken changed", api, StringComparison.Ordinal);

        await gateway.SignalAsync("TERM");
        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(20)), gateway.Output());
        using var stream = new FileStream(events, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var outputs = new Dictionary<string, string>
        {
            ["log"] = gateway.Output(), ["event file"] = new StreamReader(stream).ReadToEnd(), ["/api/events"] = api,
        };
        foreach (var (where, text) in outputs)
        {
            foreach (var secret in new[] { OldToken, NewToken, OldPassword, NewPassword, Roles.AppPassword })
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{where} shows a secret ({secret[..4]}…)");
            }
        }
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
