using System.Net;
using System.Net.Sockets;
using Npgsql;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Cli;

/// <summary>
/// The real executable, `poolguard run -c FILE`: an invalid file stops it at the door with exit code 2
/// and an error naming file, line or key, and reason (no sandbox needed for those); a valid one
/// serves psql and Npgsql until SIGTERM or SIGINT, then exits 0.
/// </summary>
public sealed class ConfigCliTests : IDisposable
{
    private const int InvalidConfig = 2;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-cli-").FullName;

    [Fact]
    public async Task A_malformed_ini_exits_with_2_naming_the_file_the_lines_and_the_reasons()
    {
        var file = Write("pgbouncer.ini", """
            [databases]
            app = host=127.0.0.1 port=5432 dbname=app

            [pgbouncer]
            listen_port = 6432
            this line has no equals sign
            max_client_kon = 100
            """);

        var result = await RunAsync(file);

        Assert.True(result.ExitCode == InvalidConfig, result.ToString());
        Assert.Contains($"{file}: line 6: expected 'key = value'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{file}: line 7: unknown setting 'max_client_kon'; did you mean 'max_client_conn'?", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("not starting", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_log_file_that_cannot_be_opened_stops_the_start_naming_the_setting_and_the_reason()
    {
        // /proc/version is a file, so no directory can be made under it, whoever runs the test.
        var file = Write("poolguard.json", """
            {
              "PoolGuard": {
                "ListenAddress": "127.0.0.1", "ListenPort": 6999, "AuthType": "trust", "EventLogFile": "/proc/version/events.jsonl",
                "Databases": { "app": { "Host": "127.0.0.1", "Port": 5432 } }
              }
            }
            """);

        var result = await RunAsync(file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("EventLogFile / event_log_file: cannot open /proc/version/events.jsonl", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listen_address_that_does_not_resolve_exits_with_1_in_one_line_naming_the_setting()
    {
        // .invalid never resolves (RFC 6761); the start must fail with the setting's name, not a stack trace.
        var file = Write("poolguard.json", """
            {
              "PoolGuard": {
                "ListenAddress": "gateway.invalid", "ListenPort": 6999, "AuthType": "trust", "AdminHttpPort": 0,
                "Databases": { "app": { "Host": "127.0.0.1", "Port": 5432 } }
              }
            }
            """);

        var result = await RunAsync(file);

        Assert.True(result.ExitCode == 1, result.ToString());
        var output = result.Stdout + result.Stderr;
        Assert.Single(output.Split('\n'), line => line.Contains("ListenAddress / listen_addr: cannot resolve gateway.invalid", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_with_trailing_garbage_exits_with_2_naming_the_file_and_the_line()
    {
        var file = Write("poolguard.json", """
            {
              "PoolGuard": {
                "ListenPort": 6432
              }
            } trailing
            """);

        var result = await RunAsync(file);

        Assert.True(result.ExitCode == InvalidConfig, result.ToString());
        Assert.Contains($"{file}: line 5: invalid JSON", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_with_an_unknown_key_exits_with_2_naming_the_key_and_the_likely_one()
    {
        var file = Write("poolguard.json", """
            {
              "PoolGuard": {
                "ListenPrt": 6432,
                "AuthType": "trust",
                "Databases": { "app": { "Host": "127.0.0.1" } }
              }
            }
            """);

        var result = await RunAsync(file);

        Assert.True(result.ExitCode == InvalidConfig, result.ToString());
        Assert.Contains($"{file}: key PoolGuard:ListenPrt: unknown setting; did you mean 'ListenPort'?", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_config_file_exits_with_2()
    {
        var file = Path.Combine(_directory, "absent.json");
        var result = await RunAsync(file);
        Assert.True(result.ExitCode == InvalidConfig, result.ToString());
        Assert.Contains($"{file}: file: not found", result.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task SIGINT_stops_it_even_when_started_with_SIGINT_ignored_as_background_jobs_and_nohup_start_it()
    {
        PgSandbox.Require();
        var port = PoolGuardProcess.UnusedPort();
        var file = WriteTrustConfig(port);
        await using var gateway = await PoolGuardProcess.StartAsync(file, port, sigintIgnored: true);
        var ignored = File.ReadAllLines($"/proc/{gateway.Id}/status").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        Assert.True((Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16) & 0x2) == 0, $"SIGINT is still ignored: {ignored}");

        await gateway.SignalAsync("INT");
        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(10)), $"poolguard did not exit within 10 s of SIGINT; killed.\n{gateway.Output()}");
        Assert.True(gateway.Result().ExitCode == 0, gateway.Result().ToString());
    }

    [SkippableTheory]
    [InlineData("ini", "TERM")]
    [InlineData("json", "INT")]
    public async Task A_valid_config_serves_psql_and_npgsql_and_a_signal_stops_it_with_exit_0(string format, string signal)
    {
        PgSandbox.Require();
        var port = PoolGuardProcess.UnusedPort();
        Write("userlist.txt", $"\"{Roles.App}\" \"{Roles.AppPassword}\"\n");
        var file = format == "ini"
            ? Write("pgbouncer.ini", $"""
                [databases]
                app = host={PgSandbox.Host} port={PgSandbox.Port} dbname=app

                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = {port}
                auth_type = scram-sha-256
                auth_file = userlist.txt
                default_pool_size = 3
                admin_http_port = 0
                """)
            : Write("poolguard.json", $$"""
                {
                  "PoolGuard": {
                    "ListenAddress": "127.0.0.1", "ListenPort": {{port}}, "AuthType": "scram-sha-256",
                    "AuthFile": "userlist.txt", "DefaultPoolSize": 3,
                    "Databases": { "app": { "Host": "{{PgSandbox.Host}}", "Port": {{PgSandbox.Port}} } }
                  }
                }
                """);

        await using var gateway = await PoolGuardProcess.StartAsync(file, port);

        var psql = await ProcessRunner.RunAsync(ProcessRunner.PgTool("psql"),
            [$"host=127.0.0.1 port={port} user={Roles.App} dbname=app", "-X", "-A", "-t", "-c", "select current_user"],
            RunTimeout, ProcessRunner.PgEnvironment(Roles.AppPassword));
        Assert.True(psql.ExitCode == 0, psql.ToString());
        Assert.Equal(Roles.App, psql.Stdout.Trim());

        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = Roles.App, Password = Roles.AppPassword, Database = "app", Pooling = false, Timeout = 15,
        }.ConnectionString;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select sum(g) from generate_series(1, 1000) g", connection);
            Assert.Equal(500500L, await command.ExecuteScalarAsync().WaitAsync(RunTimeout));
        }

        await gateway.SignalAsync(signal);
        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(10)), $"poolguard did not exit within 10 s of SIG{signal}; killed.\n{gateway.Output()}");
        Assert.True(gateway.Result().ExitCode == 0, gateway.Result().ToString());
    }

    [SkippableFact]
    public async Task A_second_gateway_on_the_same_port_exits_with_1_and_the_first_stays_the_only_listener()
    {
        // Two listeners would each keep their own caps: max_server_connections doubled, unseen.
        PgSandbox.Require();
        var port = PoolGuardProcess.UnusedPort();
        Write("userlist.txt", $"\"{Roles.App}\" \"{Roles.AppPassword}\"\n");
        var file = Write("poolguard.json", $$"""
            {
              "PoolGuard": {
                "ListenAddress": "127.0.0.1", "ListenPort": {{port}}, "AuthFile": "userlist.txt",
                "Databases": { "app": { "Host": "{{PgSandbox.Host}}", "Port": {{PgSandbox.Port}} } }
              }
            }
            """);
        await using var first = await PoolGuardProcess.StartAsync(file, port);

        var second = await ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, "run", "-c", file], RunTimeout,
            new Dictionary<string, string> { ["POOLGUARD__AdminHttpPort"] = "0" });
        Assert.True(second.ExitCode == 1, second.ToString());
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", second.Stdout + second.Stderr, StringComparison.Ordinal);

        var listeners = await ProcessRunner.RunAsync("ss", ["-Hltn", $"( sport = :{port} )"], RunTimeout);
        Assert.Single(listeners.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(first.HasExited, first.Output());

        // The port is free again the moment the first one stops: a restart is not held up.
        await first.SignalAsync("TERM");
        Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(10)), first.Output());
        await using var restarted = await PoolGuardProcess.StartAsync(file, port);
        await restarted.SignalAsync("TERM");
        Assert.True(await restarted.WaitForExitAsync(TimeSpan.FromSeconds(10)), restarted.Output());
    }

    [SkippableFact]
    public async Task Control_characters_a_client_sends_reach_the_log_escaped_never_raw()
    {
        // A raw ESC would drive the operator's terminal; a raw newline would forge a log line.
        PgSandbox.Require();
        var port = PoolGuardProcess.UnusedPort();
        var file = WriteTrustConfig(port);
        await using var gateway = await PoolGuardProcess.StartAsync(file, port);
        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            using var client = new RawPgClient(socket);
            await client.SendAsync(RawPgClient.Startup(("user", "eve\u001b[2J\nforged: crit"), ("database", "db\u0007")));
            await client.ReadErrorThenCloseAsync();
        }
        await Eventually.TrueAsync(() => Task.FromResult(gateway.Output().Contains("Login refused", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
        await gateway.SignalAsync("TERM");
        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(10)), gateway.Output());

        var log = gateway.Output();
        Assert.Contains("eve\\x1b[2J\\nforged: crit", log, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', log);
        Assert.DoesNotContain('\u0007', log);
        Assert.DoesNotContain(log.Split('\n'), line => line.StartsWith("forged", StringComparison.Ordinal));
    }

    private static Task<ProcessResult> RunAsync(string configFile) =>
        ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, "run", "-c", configFile], RunTimeout);

    /// <summary>The smallest runnable config: trust auth on <paramref name="port"/>, database app on the sandbox.</summary>
    private string WriteTrustConfig(int port) => Write("poolguard.json", $$"""
        {
          "PoolGuard": {
            "ListenAddress": "127.0.0.1", "ListenPort": {{port}}, "AuthType": "trust",
            "Databases": { "app": { "Host": "{{PgSandbox.Host}}", "Port": {{PgSandbox.Port}} } }
          }
        }
        """);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
