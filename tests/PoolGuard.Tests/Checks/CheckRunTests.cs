using PoolGuard.Checks;
using PoolGuard.Checks.Findings;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Tests.Checks;

/// <summary>`poolguard check` over fixture applications: each rule on the files that break it, with locations and numbers.</summary>
public sealed class CheckRunTests
{
    private static readonly string Apps = RepositoryFiles.Path("tests", "PoolGuard.Tests", "Checks", "Fixtures", "dotnet-apps");
    private static readonly string Capped = RepositoryFiles.Path("tests", "PoolGuard.Tests", "Checks", "Fixtures", "capped");

    private static Finding Single(CheckReport report, string rule, string app) =>
        Assert.Single(report.Findings, f => f.RuleId == rule && f.Location.File.Contains(app, StringComparison.Ordinal));

    [Fact]
    public void Every_appsettings_file_is_read_including_comments_trailing_commas_and_custom_sections()
    {
        var report = CheckRun.Run([Apps], null);

        Assert.Equal(4, report.FilesRead);
        Assert.Equal(["billing-worker", "orders-api", "reports"], report.Pools.Select(p => p.Application).Order(StringComparer.Ordinal));
        var reports = report.Pools.Single(p => p.Application == "reports");
        Assert.Equal("Reporting:Database:ConnectionString", reports.Name);
        Assert.Equal("db.internal:5432/shop", reports.Target);
        Assert.Equal(40, report.Pools.Single(p => p.Application == "billing-worker").MaxPoolSize);
    }

    [Fact]
    public void Pooling_false_is_PG001_an_error_at_the_connection_string()
    {
        var finding = Single(CheckRun.Run([Apps], null), RuleIds.PoolingUnbounded, "reports");

        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal((4, 27), (finding.Location.Line, finding.Location.Column));
        Assert.Contains("Pooling=false", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_maximum_is_PG002_with_the_share_of_the_capacity_as_the_suggestion()
    {
        var finding = Single(CheckRun.Run([Apps], new ConnectionBudget(100)), RuleIds.NoExplicitMaximum, "orders-api");

        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal((4, 13), (finding.Location.Line, finding.Location.Column));
        Assert.Contains("Npgsql's default of 100 per instance", finding.Message, StringComparison.Ordinal);
        Assert.StartsWith("Maximum Pool Size=32 ", finding.Suggestion, StringComparison.Ordinal); // 97 usable over 3 pools on db.internal:5432, the unpooled one too
    }

    [Fact]
    public void Pools_that_together_exceed_the_usable_connections_are_PG003_with_the_sum_spelled_out()
    {
        var finding = Single(CheckRun.Run([Apps], new ConnectionBudget(100)), RuleIds.FleetDemandExceedsCapacity, "orders-api");

        Assert.Equal("2 pool(s) on db.internal:5432 can open 140 connections (orders-api 100 (default) + billing-worker 40, not counting 1 with no limit at all) > 97 usable (max_connections 100 − 3 superuser-reserved)",
            finding.Message);
        Assert.Equal("at most 32 per application instance (97 usable over 3 instance(s)), or route them through PoolGuard with max_server_connections=97", finding.Suggestion);
        Assert.DoesNotContain(CheckRun.Run([Apps], new ConnectionBudget(200)).Findings, f => f.RuleId == RuleIds.FleetDemandExceedsCapacity);
    }

    [Fact]
    public void A_file_that_is_not_valid_json_is_PG000_at_the_place_it_breaks_never_a_skip()
    {
        var finding = Single(CheckRun.Run([Apps], null), RuleIds.Unreadable, "broken");

        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal(5, finding.Location.Line);
        Assert.StartsWith("not valid JSON", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Capped_pools_within_capacity_are_clean_and_each_target_is_summed_apart()
    {
        var report = CheckRun.Run([Capped], new ConnectionBudget(30));

        Assert.Equal(2, report.Pools.Count);
        Assert.Empty(report.Findings); // 20 on db.internal and 20 on replica.internal, each under 27 usable
        Assert.Contains(CheckRun.Run([Capped], new ConnectionBudget(20)).Findings, f => f.RuleId == RuleIds.FleetDemandExceedsCapacity);
    }

    [Fact]
    public void A_path_that_does_not_exist_is_an_error_naming_it()
    {
        var error = Assert.Throws<FileNotFoundException>(() => CheckRun.Run(["/nonexistent/poolguard"], null));

        Assert.Contains("/nonexistent/poolguard", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SQL_Server_strings_are_not_PostgreSQL_pools_and_a_libpq_keyword_string_is_one_of_unknown_size()
    {
        using var repo = new CheckFolder()
            .With("legacy/appsettings.json", """
                { "ConnectionStrings": {
                    "Sql": "Server=tcp:sql1,1433;Database=erp;User Id=erp;Max Pool Size=500",
                    "Catalog": "Data Source=sql2;Initial Catalog=erp;Integrated Security=true",
                    "Local": "Server=(localdb)\\mssqllocaldb;Database=erp;Trusted_Connection=True" } }
                """)
            .With("worker/.env", "PG_DSN=host=db port=5433 dbname=shop user=worker\n");

        var report = CheckRun.Run([repo.Root], null);

        var pool = Assert.Single(report.Pools);
        Assert.Equal(("worker", "libpq", "db:5433", "shop"), (pool.Application, pool.Driver, pool.Server, pool.Database));
        var finding = Assert.Single(report.Findings);
        Assert.Equal(RuleIds.NoExplicitMaximum, finding.RuleId);
        Assert.Contains("libpq keeps no pool", finding.Message, StringComparison.Ordinal);
    }
}
