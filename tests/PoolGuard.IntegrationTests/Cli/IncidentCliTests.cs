using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.Cli;

/// <summary>
/// `poolguard incident` as a user runs it: a postmortem written the way people write them imported into a store in a
/// folder of the test's own, listed, shown with its analysis; an undated document, a bad --date and an unknown id exit 2.
/// </summary>
public sealed class IncidentCliTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-incident-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private const string Postmortem = """
        # Checkout API refused connections

        ## Issue Summary

        **Duration**: 95 minutes on 2025-11-20, from 9:15 PM to 10:50 PM UTC.
        **Impact**: About 40% of checkouts failed.
        **Root Cause**: A deploy doubled the worker count, and every worker opened its own unlimited pool.

        ## Timeline

        - **9:15 PM**: Errors began on the checkout API after the 21:10 deploy.
        - **9:25 PM**: Paging alert on checkout error rate.
        - **9:30 PM**: Suspected the new deploy's code and started a rollback review.
        - **10:05 PM**: Rollback review found no bad change; code ruled out.
        - **10:20 PM**: Found that PostgreSQL was at max_connections, held by 2x the usual workers.
        - **10:35 PM**: Reduced the worker count and capped each pool at 10.
        - **10:50 PM**: Checkout error rate back to normal.

        ## Corrective and Preventative Measures

        - Alert on connections used against max_connections.
        """;

    private Task<ProcessResult> IncidentAsync(params string[] arguments) => ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost,
        [PoolGuardProcess.Executable, "incident", .. arguments, "--store", Path.Combine(_directory, "incidents.db")], Bound);

    [Fact]
    public async Task An_imported_postmortem_is_listed_and_shown_with_its_misleading_path_measured()
    {
        var file = Path.Combine(_directory, "checkout.md");
        await File.WriteAllTextAsync(file, Postmortem);
        var json = Path.Combine(_directory, "checkout.json");

        var imported = await IncidentAsync("import", file, "--json", json);

        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Contains("as 2025-11-20-checkout-api-refused-connections", imported.Stdout, StringComparison.Ordinal);
        Assert.Contains("nothing skipped", imported.Stdout, StringComparison.Ordinal);
        Assert.Contains("time to detect       10 min", imported.Stdout, StringComparison.Ordinal);      // 21:15 → 21:25
        Assert.Contains("time to root cause   1 h 05 min", imported.Stdout, StringComparison.Ordinal);  // → 22:20
        Assert.Contains("time to mitigate     1 h 20 min", imported.Stdout, StringComparison.Ordinal);  // → 22:35
        Assert.Contains("time to resolve      1 h 35 min", imported.Stdout, StringComparison.Ordinal);  // → 22:50
        Assert.Contains("misleading paths     1, 35 min (36.8 % of the incident)", imported.Stdout, StringComparison.Ordinal); // 21:30–22:05 of 95 min
        Assert.Contains("\"outcome\": \"RuledOut\"", await File.ReadAllTextAsync(json), StringComparison.Ordinal);

        var list = await IncidentAsync("list");
        Assert.Contains("2025-11-20 21:15   unknown   Draft     2025-11-20-checkout-api-refused-connections  Checkout API refused connections", list.Stdout, StringComparison.Ordinal);

        var shown = await IncidentAsync("show", "2025-11-20-checkout-api-refused-connections");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("2025-11-20 21:30  hypothesis      [P1] Suspected the new deploy's code", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("ruled out by: Rollback review found no bad change; code ruled out.", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("[ ] detect   Alert on connections used against max_connections.", shown.Stdout, StringComparison.Ordinal);

        // Exported as Markdown and imported into another store, it is the same record: `show` prints the same.
        var exported = Path.Combine(_directory, "exported.md");
        var export = await IncidentAsync("export", "2025-11-20-checkout-api-refused-connections", "-o", exported);
        Assert.True(export.ExitCode == 0, export.ToString());
        var other = Path.Combine(_directory, "other.db");
        var reimported = await ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost, [PoolGuardProcess.Executable, "incident", "import", exported, "--store", other], Bound);
        Assert.True(reimported.ExitCode == 0, reimported.ToString());
        Assert.Contains("nothing skipped", reimported.Stdout, StringComparison.Ordinal);
        var again = await ProcessRunner.RunAsync(PoolGuardProcess.DotnetHost,
            [PoolGuardProcess.Executable, "incident", "show", "2025-11-20-checkout-api-refused-connections", "--store", other], Bound);
        Assert.Equal(shown.Stdout, again.Stdout);

        var stats = await IncidentAsync("stats");
        Assert.True(stats.ExitCode == 0, stats.ToString());
        Assert.Contains("2025-11-20 21:15   10 min  –       1 h 05    1 h 20    1 h 35    35 min (37 %)   2025-11-20-checkout-api-refused-connections", stats.Stdout, StringComparison.Ordinal);
        Assert.Contains("too few to compare", stats.Stdout, StringComparison.Ordinal); // one incident has no earlier half
    }

    [Fact]
    public async Task An_undated_document_a_bad_date_and_an_unknown_id_exit_2_with_the_reason()
    {
        var file = Path.Combine(_directory, "undated.md");
        await File.WriteAllTextAsync(file, "# Outage\n\n## Timeline\n\n- **10:00**: alert fired\n");

        var undated = await IncidentAsync("import", file);
        Assert.Equal(2, undated.ExitCode);
        Assert.Contains("no date for the timeline's times", undated.Stderr, StringComparison.Ordinal);
        Assert.Contains("--date YYYY-MM-DD", undated.Stderr, StringComparison.Ordinal);

        var badDate = await IncidentAsync("import", file, "--date", "02/03/2024");
        Assert.Equal(2, badDate.ExitCode);
        Assert.Contains("--date '02/03/2024' is not a date", badDate.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, (await IncidentAsync("import", file, "--date", "2024-03-02")).ExitCode);
        var unknown = await IncidentAsync("show", "no-such-incident");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no incident 'no-such-incident'", unknown.Stderr, StringComparison.Ordinal);
    }
}
