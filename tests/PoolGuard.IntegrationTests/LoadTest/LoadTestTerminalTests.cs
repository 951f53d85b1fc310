using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.LoadTest;

/// <summary>
/// The live progress as a user sees it: on a terminal (a pseudo-terminal from util-linux `script`) a view Spectre.Console
/// redraws in place; redirected, as in CI, one plain line per second and no escape sequences in the log.
/// </summary>
public sealed class LoadTestTerminalTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-loadterm-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [SkippableFact]
    public async Task On_a_terminal_the_view_is_redrawn_in_place_and_redirected_it_is_plain_lines()
    {
        PgSandbox.Require();
        Skip.IfNot(File.Exists("/usr/bin/script"), "util-linux script (a pseudo-terminal) is not installed");
        var sql = Path.Combine(_directory, "one.sql");
        await File.WriteAllTextAsync(sql, "SELECT 1;\n");
        string[] arguments = [PoolGuardProcess.Executable, "loadtest", sql, "-c", $"Host={PgSandbox.Host};Port={PgSandbox.Port};Database=app;Username={PgSandbox.Roles.App}",
            "--clients", "2", "-d", "3s"];
        var environment = ProcessRunner.PgEnvironment(PgSandbox.Roles.AppPassword);
        environment["POOLGUARD_LOADTEST_STORE"] = Path.Combine(_directory, "history.db");
        environment["TERM"] = "xterm-256color";

        var command = string.Join(' ', new[] { PoolGuardProcess.DotnetHost }.Concat(arguments).Select(Quote));
        var terminal = await ProcessRunner.RunAsync("/usr/bin/script", ["-qec", command, "/dev/null"], Bound, environment);

        Assert.True(terminal.ExitCode == 0, terminal.ToString());
        var screen = terminal.Stdout; // the pseudo-terminal carries stdout and stderr alike
        Assert.Contains("\u001b[", screen, StringComparison.Ordinal);         // drawn with ANSI sequences
        Assert.Matches("\u001b\\[[0-9]+A", screen);                          // the cursor moved up: redrawn in place
        Assert.Contains("last second", screen, StringComparison.Ordinal);
        Assert.Contains("p99 ms", screen, StringComparison.Ordinal);
        Assert.Contains("stage", screen, StringComparison.Ordinal);
        Assert.Contains("TPS, last", screen, StringComparison.Ordinal);     // the sparkline's label
        Assert.DoesNotContain("[   1.0s]", screen, StringComparison.Ordinal);
        Assert.Contains("transactions  ", screen, StringComparison.Ordinal); // the summary after the view

        var redirected = await ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, arguments, Bound, environment);
        Assert.True(redirected.ExitCode == 0, redirected.ToString());
        Assert.DoesNotContain("\u001b[", redirected.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"\[\s+1\.\ds\]\s+2 cl", redirected.Stderr);
    }

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
