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

    [Fact]
    public async Task An_app_without_a_pool_maximum_fails_the_check_and_json_lists_the_finding_with_its_numbers()
    {
        App("orders-api", """{ "ConnectionStrings": { "Main": "Host=db;Database=shop;Username=orders" } }""");

        var text = await CheckAsync(_directory, "--max-connections", "50");
        var json = await CheckAsync(_directory, "--max-connections", "50", "--format", "json");

        Assert.Equal(1, text.ExitCode);
        Assert.Contains("orders-api/appsettings.json:1:34: error PG003: 1 pool(s) on db:5432/shop can open 100 connections (orders-api 100 (default)) > 47 usable", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("warning PG002", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        var findings = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(["PG003", "PG002"], findings.Select(f => f.GetProperty("rule_id").GetString()));
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
        Assert.Contains("1 file(s), 1 connection pool(s); capacity 47 usable", clean.Stdout, StringComparison.Ordinal);
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
}
