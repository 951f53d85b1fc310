using PoolGuard.Checks;
using PoolGuard.Checks.Templates;
using PoolGuard.Config;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Tests.Checks;

/// <summary>`poolguard init`'s templates: sized from the budget, loadable by the gateway, and clean under `poolguard check`.</summary>
public sealed class StarterTemplatesTests
{
    private static readonly StarterRequest Request = new(new ConnectionBudget(100, 3, 5), [new StarterApp("api", 6), new StarterApp("worker", 3)]) { Gateways = 2 };

    private static CheckFolder Written(StarterRequest request)
    {
        var folder = new CheckFolder();
        foreach (var (path, text) in StarterTemplates.Files(request))
        {
            folder.With(path, text);
        }
        return folder;
    }

    [Fact]
    public void The_usable_connections_are_split_over_gateways_and_application_instances()
    {
        var sizing = StarterTemplates.Size(Request);

        Assert.Equal(new StarterSizing(92, 46, 10, 9, 54), sizing); // 92 / 2 gateways; 92 / 9 instances; 9 × 10 × 1.2 / 2
        Assert.Throws<ArgumentException>(() => StarterTemplates.Size(Request with { Budget = new ConnectionBudget(10) })); // 7 usable < 9 instances
    }

    [Theory]
    [InlineData("poolguard", "poolguard/poolguard.json")]
    [InlineData("pgbouncer", "pgbouncer/pgbouncer.ini")]
    public void What_init_writes_passes_check_with_no_finding_at_all(string kind, string gatewayFile)
    {
        using var folder = Written(Request with { GatewayKind = kind });

        var report = CheckRun.Run([folder.Root], null);

        Assert.Empty(report.Findings);
        var gateway = Assert.Single(report.Gateways);
        Assert.Equal((46, kind), (gateway.MaxServerConnections, gateway.Kind));
        Assert.Equal(2, report.Context!.InstancesOf(gateway.Gateway).Replicas);
        Assert.True(File.Exists(Path.Combine(folder.Root, gatewayFile)));
        Assert.All(report.Pools, p => Assert.True(report.Context.ThroughGateway(p)));
    }

    [Fact]
    public void A_fleet_that_grows_past_what_init_sized_for_fails_the_check()
    {
        using var folder = Written(Request);
        File.WriteAllText(Path.Combine(folder.Root, ".poolguard-check.yml"),
            File.ReadAllText(Path.Combine(folder.Root, ".poolguard-check.yml")).Replace("instances: 2", "instances: 3", StringComparison.Ordinal));

        Assert.Contains(CheckRun.Run([folder.Root], null).Findings, f => f.RuleId == PoolGuard.Checks.Findings.RuleIds.GatewayCapsExceedCapacity);
    }

    [Theory]
    [InlineData("poolguard", "poolguard/poolguard.json")]
    [InlineData("pgbouncer", "pgbouncer/pgbouncer.ini")]
    public void The_gateway_configuration_loads_in_PoolGuard_with_its_user_list_beside_it(string kind, string gatewayFile)
    {
        using var folder = Written(Request with { GatewayKind = kind, DatabaseHost = "db.internal" });
        folder.With(Path.Combine(Path.GetDirectoryName(gatewayFile)!, "userlist.txt"), "\"api\" \"api-secret\"\n\"worker\" \"worker-secret\"\n");

        var config = ConfigLoader.Load(Path.Combine(folder.Root, gatewayFile), new Dictionary<string, string?>()).Config;

        Assert.Equal((46, 54, "db.internal"), (config.MaxDbConnections, config.MaxClientConn, config.Databases["app"].Host));
        Assert.Equal(TimeSpan.FromSeconds(30), config.QueryWaitTimeout);
        Assert.Equal("127.0.0.1", config.ListenAddress);
    }
}
