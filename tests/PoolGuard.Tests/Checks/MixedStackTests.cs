using PoolGuard.Checks;
using PoolGuard.Checks.Findings;

namespace PoolGuard.Tests.Checks;

/// <summary>
/// A mixed Java / Python / PgBouncer application set: Spring Boot (application.yml, application.properties) with
/// HikariCP's defaults, Django's DATABASES, SQLAlchemy engines (with the URL in .env), NullPool, and a capped PgBouncer.
/// </summary>
public sealed class MixedStackTests
{
    private static readonly string Mixed = RepositoryFiles.Path("tests", "PoolGuard.Tests", "Checks", "Fixtures", "mixed-java-python");

    private static CheckReport Report() => CheckRun.Run([Mixed], null);

    [Fact]
    public void Spring_data_sources_are_HikariCP_pools_named_above_src_main_resources_with_every_profile_read()
    {
        var inventory = Report().Pools.Where(p => p.Application == "inventory").ToList();

        Assert.Equal(2, inventory.Count); // the default profile and "local"
        var main = Assert.Single(inventory, p => p.Server == "db.internal:5432");
        Assert.Equal(("HikariCP", 30, 30, 60.0), (main.Driver, main.MaxPoolSize, main.MinPoolSize, main.WaitTimeout));
        Assert.Equal(8, main.Location.Line); // at maximum-pool-size
        var catalog = Assert.Single(Report().Pools, p => p.Application == "catalog");
        Assert.Equal((null, 10, 10), (catalog.MaxPoolSize, catalog.DefaultMaxPoolSize, catalog.MinPoolSize)); // minimumIdle = maximumPoolSize
    }

    [Fact]
    public void HikariCP_without_a_maximum_is_PG002_and_its_long_connection_timeout_PG006()
    {
        var report = Report();

        var noMax = Assert.Single(report.Findings, f => f.RuleId == RuleIds.NoExplicitMaximum && f.Location.File.EndsWith("application.properties", StringComparison.Ordinal));
        Assert.Equal("spring.datasource.url: no spring.datasource.hikari.maximum-pool-size, so HikariCP's default of 10 per instance applies to db.internal:5432/shop", noMax.Message);
        var wait = Assert.Single(report.Findings, f => f.RuleId == RuleIds.WaitTimeout && f.Location.File.EndsWith("application.yml", StringComparison.Ordinal));
        Assert.Equal(Severity.Warning, wait.Severity);
        Assert.StartsWith("spring.datasource.url: spring.datasource.hikari.connection-timeout=60000 is longer than a request usefully waits", wait.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Django_pools_read_OPTIONS_pool_and_a_database_without_one_cannot_be_counted()
    {
        var pools = Report().Pools.Where(p => p.Application == "pricing").ToList();

        var pooled = Assert.Single(pools, p => p.Database == "shop");
        Assert.Equal(("Django", 20, 20, 10.0), (pooled.Driver, pooled.MaxPoolSize, pooled.MinPoolSize, pooled.WaitTimeout));
        Assert.Equal(14, pooled.Location.Line);
        var legacy = Assert.Single(pools, p => p.Database == "legacy");
        Assert.Null(legacy.PerInstanceMax);
        Assert.Contains(Report().Findings, f => f.RuleId == RuleIds.NoExplicitMaximum && f.Message.StartsWith("DATABASES['legacy']: no pool size the check can read", StringComparison.Ordinal));
    }

    [Fact]
    public void A_SQLAlchemy_engine_built_from_an_environment_url_takes_its_pool_size_to_the_urls_pool_and_NullPool_is_PG001()
    {
        var report = Report();

        var reports = Assert.Single(report.Pools, p => p.Application == "reports");
        Assert.Equal(("SQLAlchemy", "db.internal:5432", 30), (reports.Driver, reports.Server, reports.MaxPoolSize)); // 10 + 20 overflow
        Assert.StartsWith("DATABASE_URL (engine at ", reports.Name, StringComparison.Ordinal);
        var etl = Assert.Single(report.Findings, f => f.RuleId == RuleIds.PoolingUnbounded);
        Assert.EndsWith("etl.py", etl.Location.File, StringComparison.Ordinal);
        Assert.StartsWith("create_engine(…): poolclass=NullPool, so every open is a new connection to db.internal:5432/shop", etl.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Everything_on_the_server_is_summed_with_replicas_and_HikariCPs_full_pools_hold_the_minimum()
    {
        var report = Report();

        var demand = Assert.Single(report.Findings, f => f.RuleId == RuleIds.FleetDemandExceedsCapacity);
        Assert.Equal("4 pool(s) and 1 gateway(s) on db.internal:5432 can open 185 connections (inventory 30 × 3 + pricing 20 × 2 + reports 30 + pgbouncer 15 + catalog 10 (default), "
            + "not counting 1 with no limit at all and 1 pool(s) of unknown size) > 117 usable (max_connections 120 − 3 superuser-reserved)", demand.Message);
        Assert.StartsWith("at most 10 per application instance (102 left after the gateways' 15 over 10 instance(s))", demand.Suggestion, StringComparison.Ordinal);
        var held = Assert.Single(report.Findings, f => f.RuleId == RuleIds.MinimumPoolsStarveOthers);
        Assert.Equal(Severity.Error, held.Severity);
        Assert.StartsWith("minimum pools keep 140 idle connection(s) open on db.internal:5432 (inventory 30 × 3 + pricing 20 × 2 + catalog 10)", held.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_python_module_that_does_not_parse_and_a_broken_properties_number_are_PG000_at_their_place()
    {
        using var repo = new CheckFolder()
            .With("svc/settings.py", "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n        'HOST': 'db\n    }\n}\n")
            .With("api/application.properties", "spring.datasource.url=jdbc:postgresql://db/shop\nspring.datasource.hikari.maximum-pool-size=ten\n");

        var findings = CheckRun.Run([repo.Root], null).Findings.Where(f => f.RuleId == RuleIds.Unreadable).ToList();

        Assert.Contains(findings, f => f.Location.File.EndsWith("settings.py", StringComparison.Ordinal) && f.Location.Line == 4);
        Assert.Contains(findings, f => f.Location.File.EndsWith("application.properties", StringComparison.Ordinal) && f.Location.Line == 2
            && f.Message == "spring.datasource.hikari.maximum-pool-size is not a number: 'ten'");
    }
}
