using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.Cli;

/// <summary>
/// scripts/quickstart.sh as a new user runs it: its own sandbox PostgreSQL and gateway, and every
/// command it prints works as printed. Ctrl-C (SIGINT to the gateway) stops both.
/// </summary>
public sealed class QuickstartTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [SkippableFact]
    public async Task The_quickstart_prints_an_admin_console_line_that_shows_its_pools_and_ctrl_c_stops_everything()
    {
        PgSandbox.Require();
        var root = RepositoryRoot();
        var port = PoolGuardProcess.UnusedPort();
        var httpPort = PoolGuardProcess.UnusedPort();
        var sandbox = Path.Combine(Path.GetTempPath(), $"poolguard-quickstart-test-{Guid.NewGuid():N}");
        await using var script = RunningProcess.Start("bash", [Path.Combine(root, "scripts", "quickstart.sh")], new Dictionary<string, string>
        {
            ["POOLGUARD_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["POOLGUARD_HTTP_PORT"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["POOLGUARD_SANDBOX_DIR"] = sandbox,
            ["POOLGUARD_SANDBOX_MAX_CONNECTIONS"] = "40", // 37 usable with the sandbox's 3 reserved
            ["POOLGUARD_DLL"] = PoolGuardProcess.Executable,
        });
        try
        {
            string? adminLine = null, appLine = null, databaseLine = null;
            Assert.True(await Eventually.TrueAsync(() =>
            {
                Assert.False(script.HasExited, $"the quickstart exited early.\n{script.Output()}");
                var lines = script.Output().Split('\n').Select(l => l.Trim()).ToList();
                adminLine = lines.FirstOrDefault(l => l.Contains("dbname=pgbouncer", StringComparison.Ordinal));
                appLine = lines.FirstOrDefault(l => l.StartsWith("PGPASSWORD=app_pw psql", StringComparison.Ordinal));
                databaseLine = lines.FirstOrDefault(l => l.StartsWith("curl -s http://127.0.0.1:", StringComparison.Ordinal));
                return adminLine is not null && appLine is not null && databaseLine is not null && script.Output().Contains($"Listening on 127.0.0.1:{port}", StringComparison.Ordinal);
            }, Bound), $"the quickstart did not print its lines and listen on {port}.\n{script.Output()}");

            // The app user's line, with a query added, then the admin line exactly as printed.
            var app = await ProcessRunner.RunAsync("bash", ["-c", $"{appLine!} -X -A -t -c 'select 40 + 2'"], Bound);
            Assert.True(app.ExitCode == 0 && app.Stdout.Trim() == "42", app.ToString());
            var admin = await ProcessRunner.RunAsync("bash", ["-c", adminLine!], Bound);
            Assert.True(admin.ExitCode == 0, admin.ToString());
            Assert.Contains("cl_active", admin.Stdout, StringComparison.Ordinal);
            Assert.Contains("app_user", admin.Stdout, StringComparison.Ordinal); // the pool the app line just used
            // The watcher's line: the sandbox database as PostgreSQL sees it, the app line's connection gone again.
            var database = await Eventually.AssertAsync(
                async () => await ProcessRunner.RunAsync("bash", ["-c", databaseLine!], Bound),
                r => r.ExitCode == 0 && r.Stdout.Contains("\"state\":\"up\"", StringComparison.Ordinal), Bound,
                $"the printed line `{databaseLine}` answering app's latest sample");
            Assert.Contains($"127.0.0.1:{httpPort}/api/databases/app", databaseLine, StringComparison.Ordinal);
            Assert.Contains("\"usable_connections\":37", database.Stdout, StringComparison.Ordinal);

            // The password appears where it is printed for the user, and nowhere in what the gateway logged.
            var printed = adminLine!;
            var password = printed[..printed.IndexOf(" ", StringComparison.Ordinal)]["PGPASSWORD=".Length..];
            Assert.Single(script.Output().Split('\n'), l => l.Contains(password, StringComparison.Ordinal));

            // Ctrl-C reaches the gateway (the terminal signals the whole foreground group); the script then stops the sandbox.
            var gateway = await ProcessRunner.RunAsync("pgrep", ["-P", script.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], Bound);
            Assert.True(gateway.ExitCode == 0, $"no gateway process under the quickstart: {gateway}");
            await ProcessRunner.RunAsync("kill", ["-INT", gateway.Stdout.Trim()], Bound);
            Assert.True(await script.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the quickstart did not stop after Ctrl-C.\n{script.Output()}");
            Assert.True(script.Result().ExitCode == 0, script.Result().ToString());
            Assert.Contains("stopping the sandbox", script.Output(), StringComparison.Ordinal);
        }
        finally
        {
            if (!script.HasExited)
            {
                await script.DisposeAsync();
            }
            // Whatever happened, no PostgreSQL of this test stays behind.
            await ProcessRunner.RunAsync("bash", [Path.Combine(root, "scripts", "pg-sandbox.sh"), "stop"], Bound,
                new Dictionary<string, string> { ["POOLGUARD_SANDBOX_DIR"] = sandbox });
            File.Delete(sandbox + ".lock"); // pg-sandbox.sh's start/stop lock, beside the directory
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "scripts", "quickstart.sh")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no scripts/quickstart.sh above {AppContext.BaseDirectory}");
    }
}
