using PoolGuard.Checks;
using PoolGuard.Checks.Findings;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Tests.Checks;

/// <summary>
/// Replicas multiply demand: Kubernetes manifests (Deployments, StatefulSets, HPAs, ConfigMaps) and
/// .poolguard-check.yml say how many instances run each configuration, and PG005/PG007 hold the fleet to the budget.
/// </summary>
public sealed class FleetChecksTests
{
    private static readonly string Kubernetes = RepositoryFiles.Path("tests", "PoolGuard.Tests", "Checks", "Fixtures", "kubernetes");

    [Fact]
    public void Pools_come_from_appsettings_ConfigMaps_through_envFrom_and_inline_env_urls_with_their_workloads_replicas()
    {
        var report = CheckRun.Run([Kubernetes], null);

        var orders = Assert.Single(report.Pools, p => p.Application == "orders-api");
        Assert.Equal("ConnectionStrings__Main", orders.Name);
        Assert.EndsWith("configmap.yaml", orders.Location.File, StringComparison.Ordinal);
        Assert.Equal((6, 28), (orders.Location.Line, orders.Location.Column));
        var billing = Assert.Single(report.Pools, p => p.Application == "billing");
        Assert.Equal(("db.internal:5432", "shop", 10), (billing.Server, billing.Database, billing.MaxPoolSize));
        Assert.Equal(4, report.Context!.InstancesOf("orders-api").Replicas);
        Assert.Equal(12, report.Context.InstancesOf("orders-api").MaxReplicas);
        Assert.Equal(2, report.Context.InstancesOf("billing").Replicas);
        Assert.Equal(3, report.Context.InstancesOf("reports").Replicas); // from .poolguard-check.yml
    }

    [Fact]
    public void A_fleet_that_fits_today_but_not_at_maxReplicas_is_PG007_at_the_autoscalers_maximum()
    {
        var report = CheckRun.Run([Kubernetes], null);

        Assert.DoesNotContain(report.Findings, f => f.RuleId == RuleIds.FleetDemandExceedsCapacity); // 40 + 20 + 15 = 75 ≤ 90
        var finding = Assert.Single(report.Findings, f => f.RuleId == RuleIds.AutoscalingBreaksBudget);
        Assert.EndsWith("deployment.yaml", finding.Location.File, StringComparison.Ordinal);
        Assert.Equal(30, finding.Location.Line);
        Assert.Equal("at maxReplicas the pools on db.internal:5432 (main) can open 155 connections (orders-api 10 × 12 + billing 10 × 2 + reports 5 × 3) "
            + "> 90 usable (max_connections 100 − 3 superuser-reserved − 7 kept in reserve)", finding.Message);
        Assert.Equal("at most 4 per instance of the autoscaled applications, or maxReplicas 5 for orders-api", finding.Suggestion);
    }

    [Fact]
    public void A_manifest_that_is_not_valid_yaml_is_PG000_at_the_place_it_breaks()
    {
        var finding = Assert.Single(CheckRun.Run([Kubernetes], null).Findings, f => f.RuleId == RuleIds.Unreadable);

        Assert.EndsWith("broken.yaml", finding.Location.File, StringComparison.Ordinal);
        Assert.Equal(6, finding.Location.Line);
        Assert.StartsWith("not valid YAML", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replicas_multiply_each_pool_and_the_sum_is_PG003_when_today_is_already_too_many()
    {
        using var repo = new CheckFolder()
            .With("api/appsettings.json", """{ "ConnectionStrings": { "Main": "Host=db;Database=shop;Maximum Pool Size=20;Timeout=10" } }""")
            .With("deploy/api.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: api
                spec:
                  replicas: 6
                """);

        var finding = Assert.Single(CheckRun.Run([repo.Root], new ConnectionBudget(100)).Findings);

        Assert.Equal(RuleIds.FleetDemandExceedsCapacity, finding.RuleId);
        Assert.Equal("1 pool(s) on db:5432 can open 120 connections (api 20 × 6) > 97 usable (max_connections 100 − 3 superuser-reserved)", finding.Message);
        Assert.StartsWith("at most 16 per application instance (97 usable over 6 instance(s))", finding.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configMapKeyRef_takes_only_its_key_and_a_ConfigMap_nobody_uses_is_not_counted()
    {
        using var repo = new CheckFolder().With("k8s/all.yaml", """
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: ConfigMap
                metadata: { name: db }
                data:
                  main: "Host=db;Database=shop;Maximum Pool Size=8;Timeout=5"
                  other: "Host=db;Database=audit;Maximum Pool Size=50;Timeout=5"
              - apiVersion: v1
                kind: ConfigMap
                metadata: { name: unused }
                data:
                  main: "Host=db;Database=shop;Maximum Pool Size=99;Timeout=5"
              - apiVersion: apps/v1
                kind: Deployment
                metadata: { name: web }
                spec:
                  replicas: 3
                  template:
                    spec:
                      containers:
                        - name: web
                          env:
                            - name: ConnectionStrings__Main
                              valueFrom:
                                configMapKeyRef: { name: db, key: main }
            """);

        var report = CheckRun.Run([repo.Root], new ConnectionBudget(30));

        var pool = Assert.Single(report.Pools);
        Assert.Equal(("web", "ConnectionStrings__Main", 8), (pool.Application, pool.Name, pool.MaxPoolSize));
        Assert.Empty(report.Findings); // 8 × 3 = 24 ≤ 27
    }

    [Fact]
    public void Minimum_pools_times_replicas_over_half_the_budget_are_a_PG005_warning_and_over_all_of_it_an_error()
    {
        static CheckFolder Repo(int replicas) => new CheckFolder()
            .With("api/appsettings.json", """{ "ConnectionStrings": { "Main": "Host=db;Database=shop;Maximum Pool Size=10;Minimum Pool Size=10;Timeout=10" } }""")
            .With(".poolguard-check.yml", $"applications:\n  api:\n    replicas: {replicas}\n");

        using var half = Repo(6);
        var warning = Assert.Single(CheckRun.Run([half.Root], new ConnectionBudget(100)).Findings);
        Assert.Equal((RuleIds.MinimumPoolsStarveOthers, Severity.Warning), (warning.RuleId, warning.Severity));
        Assert.Equal("minimum pools keep 60 idle connection(s) open on db:5432 (api 10 × 6): over half of its 97 usable (max_connections 100 − 3 superuser-reserved)", warning.Message);

        using var all = Repo(12);
        Assert.Contains(CheckRun.Run([all.Root], new ConnectionBudget(100)).Findings, f => f.RuleId == RuleIds.MinimumPoolsStarveOthers && f.Severity == Severity.Error);
        using var fine = Repo(4);
        Assert.DoesNotContain(CheckRun.Run([fine.Root], new ConnectionBudget(100)).Findings, f => f.RuleId == RuleIds.MinimumPoolsStarveOthers);
    }

    [Fact]
    public void Check_settings_are_strict_an_unknown_key_is_PG000_naming_the_keys_it_takes()
    {
        using var repo = new CheckFolder().With(".poolguard-check.yml", """
            max_connections: 100
            applications:
              api:
                replica: 6
            databases:
              main:
                max_connections: lots
            """);

        var findings = CheckRun.Run([repo.Root], null).Findings;

        Assert.Contains(findings, f => f.RuleId == RuleIds.Unreadable && f.Location.Line == 4
            && f.Message == "application api: unknown key 'replica'; expected one of replicas, max_replicas, max_pool_size");
        Assert.Contains(findings, f => f.RuleId == RuleIds.Unreadable && f.Message == "database main: host is required, to know which pools connect to it");
    }

    [Fact]
    public void A_database_entry_in_the_settings_budgets_its_own_server_and_the_default_the_rest()
    {
        using var repo = new CheckFolder()
            .With("api/appsettings.json", """
                { "ConnectionStrings": {
                    "Main": "Host=primary;Database=shop;Maximum Pool Size=40;Timeout=10",
                    "Replica": "Host=replica;Database=shop;Maximum Pool Size=40;Timeout=10" } }
                """)
            .With(".poolguard-check.yml", """
                max_connections: 40
                databases:
                  primary: { host: primary, max_connections: 200 }
                """);

        var finding = Assert.Single(CheckRun.Run([repo.Root], null).Findings);

        Assert.Equal(RuleIds.FleetDemandExceedsCapacity, finding.RuleId);
        Assert.Contains("on replica:5432 can open 40 connections", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pool_that_an_override_file_declares_again_is_counted_once_at_its_largest()
    {
        using var repo = new CheckFolder()
            .With("api/appsettings.json", """{ "ConnectionStrings": { "Main": "Host=db;Database=shop;Maximum Pool Size=10;Timeout=10" } }""")
            .With("api/appsettings.Production.json", """{ "ConnectionStrings": { "Main": "Host=db;Database=shop;Maximum Pool Size=30;Timeout=10" } }""");

        var finding = Assert.Single(CheckRun.Run([repo.Root], new ConnectionBudget(30)).Findings);

        Assert.Equal("1 pool(s) on db:5432 can open 30 connections (api 30) > 27 usable (max_connections 30 − 3 superuser-reserved)", finding.Message);
        Assert.EndsWith("appsettings.Production.json", finding.Location.File, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sum_of_many_pools_names_the_largest_eight_and_the_rest_as_one_term()
    {
        using var repo = new CheckFolder();
        for (var i = 1; i <= 12; i++)
        {
            repo.With($"svc{i:00}/appsettings.json", $$"""{ "ConnectionStrings": { "Main": "Host=db;Database=shop;Maximum Pool Size={{i}};Timeout=10" } }""");
        }

        var finding = Assert.Single(CheckRun.Run([repo.Root], new ConnectionBudget(50)).Findings);

        Assert.Contains("can open 78 connections (svc12 12 + svc11 11 + svc10 10 + svc09 9 + svc08 8 + svc07 7 + svc06 6 + svc05 5 + 4 more (10)) > 47 usable", finding.Message, StringComparison.Ordinal);
    }
}
