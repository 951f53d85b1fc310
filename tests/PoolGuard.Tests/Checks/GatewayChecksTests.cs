using PoolGuard.Checks;
using PoolGuard.Checks.Findings;
using PoolGuard.Config.Capacity;
using PoolGuard.Config.Model;

namespace PoolGuard.Tests.Checks;

/// <summary>
/// PoolGuard's and PgBouncer's own configurations as gateways in front of the database (PG004, PG006), the
/// applications behind them, and .env files; a mixed fixture set with two gateways, a .env URI and a worker.
/// </summary>
public sealed class GatewayChecksTests
{
    private static readonly string Mixed = RepositoryFiles.Path("tests", "PoolGuard.Tests", "Checks", "Fixtures", "mixed-gateways");

    private static Finding Single(CheckReport report, string rule, string file) =>
        Assert.Single(report.Findings, f => f.RuleId == rule && f.Location.File.EndsWith(file, StringComparison.Ordinal));

    [Fact]
    public void PgBouncer_pool_size_zero_is_no_limit_so_PG004_at_the_line_that_says_it()
    {
        var finding = Single(CheckRun.Run([Mixed], null), RuleIds.GatewayCapsExceedCapacity, "pgbouncer.ini");

        Assert.Equal(11, finding.Location.Line);
        Assert.Equal("pgbouncer: nothing caps its server connections to db.internal:5432 (default_pool_size = 0 (no limit)): every client that waits gets a new server connection",
            finding.Message);
        Assert.Equal("max_db_connections = 32", finding.Suggestion); // the server is shared with two PoolGuard instances
    }

    [Fact]
    public void A_PoolGuard_cap_times_its_instances_over_the_budget_is_PG004_at_max_server_connections()
    {
        var finding = Single(CheckRun.Run([Mixed], null), RuleIds.GatewayCapsExceedCapacity, "poolguard.json");

        Assert.Equal((8, 6), (finding.Location.Line, finding.Location.Column));
        Assert.Equal("poolguard: can open 60 server connection(s) to db.internal:5432 (max_server_connections = 60) × 2 instance(s) = 120 > 97 usable (max_connections 100 − 3 superuser-reserved)",
            finding.Message);
        Assert.Equal("max_server_connections = 32", finding.Suggestion); // 97 usable over 3 gateway instances on the server (with PgBouncer)
    }

    [Fact]
    public void Applications_behind_a_gateway_are_its_clients_and_the_database_sum_counts_the_gateways_caps_instead()
    {
        var report = CheckRun.Run([Mixed], null);

        var finding = Single(report, RuleIds.FleetDemandExceedsCapacity, "poolguard.json");
        Assert.Equal("1 pool(s) and 1 gateway(s) on db.internal:5432 can open 130 connections (poolguard 60 × 2 + worker 10, not counting 1 with no limit at all) "
            + "> 97 usable (max_connections 100 − 3 superuser-reserved)", finding.Message);
        var api = Assert.Single(report.Pools, p => p.Application == "api");
        Assert.Equal("poolguard:6432", api.Server);
        Assert.True(report.Context!.ThroughGateway(api));
    }

    [Fact]
    public void Waits_forever_are_PG006_errors_and_waits_longer_than_a_request_warnings()
    {
        var report = CheckRun.Run([Mixed], null);

        var forever = Single(report, RuleIds.WaitTimeout, "pgbouncer.ini");
        Assert.Equal((Severity.Error, 12), (forever.Severity, forever.Location.Line));
        var longWait = Single(report, RuleIds.WaitTimeout, ".env.production");
        Assert.Equal(Severity.Warning, longWait.Severity);
        Assert.StartsWith("ConnectionStrings__Main: Timeout=60 is longer than a request usefully waits", longWait.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dotenv_uri_without_a_pool_size_is_a_PG002_warning_that_it_cannot_be_counted()
    {
        var finding = Single(CheckRun.Run([Mixed], null), RuleIds.NoExplicitMaximum, ".env");

        Assert.Equal((2, 21), (finding.Location.Line, finding.Location.Column));
        Assert.Contains("declare max_pool_size for api in .poolguard-check.yml", finding.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public void A_PoolGuard_configuration_the_gateway_would_refuse_is_PG000_with_the_gateways_own_reason()
    {
        using var repo = new CheckFolder().With("gw/poolguard.json", """
            {
              "PoolGuard": {
                "AuthType": "trust",
                "DefaultPoolSize": -4,
                "Databases": { "app": { "Host": "db" } }
              }
            }
            """);

        var finding = Assert.Single(CheckRun.Run([repo.Root], null).Findings);

        Assert.Equal((RuleIds.Unreadable, 4), (finding.RuleId, finding.Location.Line));
        Assert.StartsWith("PoolGuard would not start: key PoolGuard:DefaultPoolSize", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_PgBouncer_line_that_does_not_parse_is_PG000_and_its_users_come_from_the_auth_file()
    {
        using var broken = new CheckFolder().With("pgb/pgbouncer.ini", "[databases]\napp = host=db port=many\n");
        var finding = Assert.Single(CheckRun.Run([broken.Root], null).Findings);
        Assert.Equal((RuleIds.Unreadable, 2), (finding.RuleId, finding.Location.Line));

        using var users = new CheckFolder()
            .With("pgb/pgbouncer.ini", "[databases]\napp = host=db\n[pgbouncer]\nauth_file = users.txt\ndefault_pool_size = 20\nquery_wait_timeout = 30\n")
            .With("pgb/users.txt", "\"a\" \"x\"\n\"b\" \"y\"\n\"c\" \"z\"\n");
        var gateway = Assert.Single(CheckRun.Run([users.Root], new ConnectionBudget(100)).Gateways);
        Assert.Equal((60, "default_pool_size 20 × 3 user(s)"), (gateway.MaxServerConnections, gateway.Basis));
    }

    [Fact]
    public void Gateway_capacity_takes_the_smaller_of_pools_and_caps_and_max_server_connections_over_all()
    {
        var config = new PoolGuardConfig
        {
            DefaultPoolSize = 20,
            MaxServerConnections = 45,
            Databases = new Dictionary<string, DatabaseEntry>
            {
                ["a"] = new() { Name = "a", Host = "db", MaxDbConnections = 30 },
                ["b"] = new() { Name = "b", Host = "db", User = "svc" },
                ["c"] = new() { Name = "c", Host = "other" },
            },
            Users = new Dictionary<string, UserEntry> { ["u1"] = new() { Name = "u1" }, ["u2"] = new() { Name = "u2" } },
        };

        var caps = GatewayCapacity.PerServer(config).ToDictionary(c => c.Server);

        Assert.Equal((45, "max_server_connections = 45"), (caps["db:5432"].MaxConnections, caps["db:5432"].Basis)); // a: 30, b: 20 (one forced user)
        Assert.Equal((40, "default_pool_size 20 × 2 user(s)"), (caps["other:5432"].MaxConnections, caps["other:5432"].Basis));
        Assert.Null(GatewayCapacity.PerServer(config with { Users = new Dictionary<string, UserEntry>(), MaxServerConnections = 0 })
            .Single(c => c.Server == "other:5432").MaxConnections); // no user list: only a cap bounds it
    }
}
