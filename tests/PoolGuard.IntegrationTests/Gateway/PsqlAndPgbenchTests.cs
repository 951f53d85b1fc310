using System.Globalization;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>libpq's own tools through the gateway: psql (scripts, transactions, \copy) and pgbench.</summary>
public sealed class PsqlAndPgbenchTests : IDisposable
{
    private static readonly TimeSpan PsqlTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PgbenchTimeout = TimeSpan.FromSeconds(90);
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-psql-").FullName;

    [SkippableFact]
    public async Task Psql_runs_a_command()
    {
        await using var gateway = GatewayHarness.Start();
        var result = await PsqlAsync(gateway, ["-c", "select current_user || ' on ' || current_database()"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"{Roles.App} on app", result.Stdout.Trim());
    }

    [SkippableFact]
    public async Task Psql_runs_a_script_with_a_transaction_and_copies_in_and_out()
    {
        await using var gateway = GatewayHarness.Start();
        var input = Path.Combine(_directory, "in.csv");
        var output = Path.Combine(_directory, "out.csv");
        await File.WriteAllLinesAsync(input, ["1,one", "2,two", "3,\"three, with a comma\""]);
        var script = Path.Combine(_directory, "script.sql");
        await File.WriteAllTextAsync(script, $"""
            begin;
            create temp table t (id int, name text);
            \copy t from '{input}' with (format csv)
            \copy t from stdin with (format csv)
            4,four
            5,five
            \.
            insert into t values (6, 'six');
            commit;
            begin;
            insert into t values (7, 'rolled back');
            rollback;
            select count(*) || ' rows, sum ' || sum(id) from t;
            \copy (select id, name from t order by id) to '{output}' with (format csv)
            \copy (select name from t where id = 3) to stdout
            """);

        var result = await PsqlAsync(gateway, ["-f", script]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("6 rows, sum 21", lines);
        Assert.Contains("three, with a comma", lines);
        Assert.Equal(["1,one", "2,two", "3,\"three, with a comma\"", "4,four", "5,five", "6,six"], await File.ReadAllLinesAsync(output));
        Assert.DoesNotContain("ERROR", result.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Psql_reports_a_failing_statement_and_the_next_session_is_clean()
    {
        await using var gateway = GatewayHarness.Start(c => c with { DefaultPoolSize = 1 });
        var failed = await PsqlAsync(gateway, ["-c", "begin", "-c", "select 1/0"]);
        Assert.Equal(1, failed.ExitCode); // what psql exits with for a failed -c, directly too
        Assert.Contains("division by zero", failed.Stderr, StringComparison.Ordinal);

        // The pool has one slot: the next session must not inherit the failed transaction.
        var next = await PsqlAsync(gateway, ["-c", "select 'clean'"]);
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Equal("clean", next.Stdout.Trim());
    }

    [SkippableTheory]
    [InlineData("simple")]
    [InlineData("extended")]
    [InlineData("prepared")]
    public async Task Pgbench_select_only_with_8_clients_has_no_failed_transactions(string protocol)
    {
        await using var gateway = GatewayHarness.Start(c => c with { DefaultPoolSize = 8 });
        var result = await PgbenchAsync(gateway, ["-n", "-S", "-c", "8", "-j", "2", "-T", "5", "-M", protocol]);
        AssertPgbenchSucceeded(result, clients: 8);
    }

    [SkippableFact]
    public async Task Pgbench_default_tpcb_mix_with_4_clients_has_no_failed_transactions()
    {
        await using var gateway = GatewayHarness.Start(c => c with { DefaultPoolSize = 8 });
        var result = await PgbenchAsync(gateway, ["-n", "-c", "4", "-j", "2", "-T", "5"]);
        AssertPgbenchSucceeded(result, clients: 4);
    }

    private static void AssertPgbenchSucceeded(ProcessResult result, int clients)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("number of failed transactions: 0 ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"number of clients: {clients}", result.Stdout, StringComparison.Ordinal);
        var tps = result.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith("tps = ", StringComparison.Ordinal));
        Assert.True(tps is not null, result.ToString());
        var value = double.Parse(tps["tps = ".Length..].Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.True(value > 0, tps);
    }

    private static Task<ProcessResult> PsqlAsync(GatewayHarness gateway, IEnumerable<string> arguments) =>
        ProcessRunner.RunAsync(ProcessRunner.PgTool("psql"),
            [$"host=127.0.0.1 port={gateway.Port} user={Roles.App} dbname=app", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", .. arguments],
            PsqlTimeout, ProcessRunner.PgEnvironment(Roles.AppPassword));

    private static Task<ProcessResult> PgbenchAsync(GatewayHarness gateway, IEnumerable<string> arguments) =>
        ProcessRunner.RunAsync(ProcessRunner.PgTool("pgbench"),
            [.. arguments, "-h", "127.0.0.1", "-p", gateway.Port.ToString(CultureInfo.InvariantCulture), "-U", Roles.App, "pgbench"],
            PgbenchTimeout, ProcessRunner.PgEnvironment(Roles.AppPassword));

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
