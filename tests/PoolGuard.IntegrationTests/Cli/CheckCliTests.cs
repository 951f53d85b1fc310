using System.Text.Json;
using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.Cli;

/// <summary>`poolguard check` as CI runs it: the real executable on a folder of application configs, its exit code and its output.</summary>
public sealed class CheckCliTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-check-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string App(string name, string json)
    {
        Directory.CreateDirectory(Path.Combine(_directory, name));
        File.WriteAllText(Path.Combine(_directory, name, "appsettings.json"), json);
        return Path.Combine(_directory, name);
    }

    private static Task<ProcessResult> CheckAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, "check", .. arguments], Bound);

    private static Task<ProcessResult> CheckWithPasswordAsync(string password, params string[] arguments) =>
        ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, "check", .. arguments], Bound, ProcessRunner.PgEnvironment(password));

    private static string WatchLogin => $"host={PgSandbox.Host} port={PgSandbox.Port} dbname=app user={PgSandbox.Roles.Watch}";

    [SkippableFact]
    public async Task Database_reads_the_servers_real_limits_and_an_unreachable_or_refused_one_exits_2_without_the_password()
    {
        PgSandbox.Require();
        await using (var superuser = await PgSandbox.OpenSuperuserAsync())
        {
            await using var show = new Npgsql.NpgsqlCommand("SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int - 2", superuser);
            var usable = (int)(await show.ExecuteScalarAsync())!;
            App("api", "{ \"ConnectionStrings\": { \"Main\": \"Host=db;Database=shop;Maximum Pool Size=" + (usable + 1) + ";Timeout=10\" } }");
            App("worker", "{ \"ConnectionStrings\": { \"Main\": \"Host=db;Database=shop;Maximum Pool Size=1;Timeout=10\" } }");

            var within = await CheckWithPasswordAsync(PgSandbox.Roles.WatchPassword, Path.Combine(_directory, "worker"), "--database", WatchLogin, "--reserve", "2");
            var over = await CheckWithPasswordAsync(PgSandbox.Roles.WatchPassword, _directory, "--database", WatchLogin, "--reserve", "2");

            Assert.True(within.ExitCode == 0, within.ToString());
            Assert.Contains($"capacity {usable} usable (max_connections ", within.Stdout, StringComparison.Ordinal);
            Assert.Contains($"{PgSandbox.Host}:{PgSandbox.Port}/app as {PgSandbox.Roles.Watch}: max_connections", within.Stderr, StringComparison.Ordinal);
            Assert.Equal(1, over.ExitCode);
            Assert.Contains($"can open {usable + 2} connections", over.Stdout, StringComparison.Ordinal);
        }

        var refused = await CheckWithPasswordAsync("not-the-password", _directory, "--database", WatchLogin);
        var unreachable = await CheckWithPasswordAsync(PgSandbox.Roles.WatchPassword, _directory, "--database", $"host=127.0.0.1 port=1 dbname=app user={PgSandbox.Roles.Watch}");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("cannot read the limits", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("28P01", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", refused.Stderr + refused.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, unreachable.ExitCode);
        Assert.Contains("cannot read the limits of 127.0.0.1:1/app", unreachable.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sarif_and_github_formats_come_out_of_the_executable_with_the_same_exit_code()
    {
        App("orders-api", """{ "ConnectionStrings": { "Main": "Host=db;Database=shop;Username=orders;Pooling=false" } }""");

        var sarif = await CheckAsync(_directory, "--format", "sarif");
        var github = await CheckAsync(_directory, "--format", "github");

        Assert.Equal((1, 1), (sarif.ExitCode, github.ExitCode));
        var result = JsonDocument.Parse(sarif.Stdout).RootElement.GetProperty("runs")[0].GetProperty("results")[0];
        Assert.Equal(("PG001", "error"), (result.GetProperty("ruleId").GetString(), result.GetProperty("level").GetString()));
        Assert.StartsWith("::error file=", github.Stdout, StringComparison.Ordinal);
        Assert.Contains("orders-api/appsettings.json,line=1,col=34,title=PG001 poolguard check::", github.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_without_a_pool_maximum_fails_the_check_and_json_lists_the_finding_with_its_numbers()
    {
        App("orders-api", """{ "ConnectionStrings": { "Main": "Host=db;Database=shop;Username=orders" } }""");

        var text = await CheckAsync(_directory, "--max-connections", "50");
        var json = await CheckAsync(_directory, "--max-connections", "50", "--format", "json");

        Assert.Equal(1, text.ExitCode);
        Assert.Contains("orders-api/appsettings.json:1:34: error PG003: 1 pool(s) on db:5432 can open 100 connections (orders-api 100 (default)) > 47 usable", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("warning PG002", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        var findings = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(["PG003", "PG002", "PG006"], findings.Select(f => f.GetProperty("rule_id").GetString())); // PG006: the Timeout left to its default, a note
        Assert.Equal("error", findings[0].GetProperty("severity").GetString());
    }

    [Fact]
    public async Task A_capped_app_within_capacity_passes_and_warnings_pass_with_fail_on_error()
    {
        App("api", """{ "ConnectionStrings": { "Main": "Host=db;Database=shop;Username=api;Maximum Pool Size=20" } }""");
        App("worker", """{ "ConnectionStrings": { "Main": "Host=db;Database=shop;Username=worker" } }""");

        var clean = await CheckAsync(Path.Combine(_directory, "api"), "--max-connections", "50");
        var warned = await CheckAsync(_directory, "--fail-on", "error");

        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.Contains("1 file(s), 1 connection pool(s), 0 gateway limit(s); capacity 47 usable", clean.Stdout, StringComparison.Ordinal);
        Assert.True(warned.ExitCode == 0, warned.ToString());
        Assert.Contains("warning PG002", warned.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_path_exits_2_naming_it()
    {
        var result = await CheckAsync(Path.Combine(_directory, "nope"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no such file or folder", result.Stderr, StringComparison.Ordinal);
    }

    private static Task<ProcessResult> InitAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, "init", .. arguments], Bound);

    [Fact]
    public async Task Init_writes_templates_that_check_passes_and_never_overwrites_without_force()
    {
        var written = await InitAsync("--max-connections", "100", "--reserve", "5", "--apps", "api=6,worker=3", "--gateways", "2", "--output", _directory);
        var checkedClean = await CheckAsync(_directory, "--fail-on", "note");
        var again = await InitAsync("--max-connections", "50", "--apps", "api=6", "--output", _directory);
        var kept = await File.ReadAllTextAsync(Path.Combine(_directory, "poolguard", "poolguard.json"));
        var forced = await InitAsync("--max-connections", "50", "--apps", "api=6", "--output", _directory, "--force");

        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.Contains("each of 2 poolguard instance(s) opens at most 46 server connection(s)", written.Stdout, StringComparison.Ordinal);
        Assert.True(checkedClean.ExitCode == 0, checkedClean.ToString());
        Assert.Contains("no findings", checkedClean.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already exist", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("\"MaxServerConnections\": 46", kept, StringComparison.Ordinal);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Contains("\"MaxServerConnections\": 47", await File.ReadAllTextAsync(Path.Combine(_directory, "poolguard", "poolguard.json")), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Init_from_the_live_database_sizes_to_its_real_max_connections()
    {
        PgSandbox.Require();
        var result = await ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost,
            [PoolGuardProcess.Executable, "init", "--database", WatchLogin, "--apps", "api=2", "--output", _directory], Bound, ProcessRunner.PgEnvironment(PgSandbox.Roles.WatchPassword));
        await using var superuser = await PgSandbox.OpenSuperuserAsync();
        await using var show = new Npgsql.NpgsqlCommand("SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int", superuser);
        var usable = (int)(await show.ExecuteScalarAsync())!;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"each of 1 poolguard instance(s) opens at most {usable} server connection(s)", result.Stdout, StringComparison.Ordinal);
        Assert.True((await CheckAsync(_directory)).ExitCode == 0);
    }

    [Fact]
    public async Task A_usage_error_exits_2_so_ci_never_reads_it_as_findings()
    {
        var check = await CheckAsync(_directory, "--format", "xml");
        var init = await InitAsync("--max-connections", "100", "--apps", "api=zero");

        Assert.Equal((2, 2), (check.ExitCode, init.ExitCode));
        Assert.Contains("'api=zero' is not name=instances", init.Stderr + init.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fix_rewrites_in_place_prints_a_unified_diff_without_passwords_and_exits_on_what_is_left()
    {
        App("orders-api", """{ "ConnectionStrings": { "Main": "Host=db;Database=shop;Username=orders;Password=hunter2" } }""");
        App("reports", """{ "ConnectionStrings": { "Main": "Host=db;Database=shop;Username=reports;Pooling=false" } }""");

        var result = await CheckAsync(_directory, "--max-connections", "50", "--fix");
        var again = await CheckAsync(_directory, "--max-connections", "50");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("--- a/", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("+{ \"ConnectionStrings\": { \"Main\": \"Host=db;Database=shop;Username=orders;Password=***;Maximum Pool Size=23;Timeout=15\" } }", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 file(s) changed; checked again: 0 finding(s) left", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Password=hunter2;Maximum Pool Size=23", await File.ReadAllTextAsync(Path.Combine(_directory, "orders-api", "appsettings.json")), StringComparison.Ordinal);
        Assert.True(again.ExitCode == 0, again.ToString());
    }
}
