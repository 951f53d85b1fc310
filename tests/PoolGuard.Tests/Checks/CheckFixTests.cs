using PoolGuard.Checks;
using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Fixes;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Tests.Checks;

/// <summary>`check --fix` on copies of the fixture sets: what it rewrites, what it keeps, and that the check is clean after.</summary>
public sealed class CheckFixTests
{
    private static readonly string Fixtures = RepositoryFiles.Path("tests", "PoolGuard.Tests", "Checks", "Fixtures");

    private static CheckFolder Copy(string set, params string[] without)
    {
        var folder = new CheckFolder();
        var source = Path.Combine(Fixtures, set);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (!without.Any(w => relative.StartsWith(w, StringComparison.Ordinal)))
            {
                folder.With(relative, File.ReadAllText(file));
            }
        }
        return folder;
    }

    [Theory]
    [InlineData("Host=db;Database=shop", "Host=db;Database=shop;Maximum Pool Size=10")]
    [InlineData("Host=db;Max Pool Size=100;Database=shop", "Host=db;Max Pool Size=10;Database=shop")]
    [InlineData("Host=db;Database=shop;Pooling=false;", "Host=db;Database=shop;Maximum Pool Size=10;")]
    [InlineData("Host=db;MaxPoolSize=99;Timeout=0", "Host=db;MaxPoolSize=10;Timeout=0")]
    public void Keywords_are_set_where_they_are_written_in_the_spelling_used_and_added_at_the_end_otherwise(string before, string after)
    {
        var keywords = new Dictionary<string, string?> { ["Maximum Pool Size"] = "10", ["Pooling"] = null };

        Assert.Equal(after, ConnectionStringEditor.Set(before, keywords));
    }

    [Fact]
    public void Fixing_the_outage_configuration_caps_every_pool_at_its_share_keeps_comments_and_leaves_the_check_clean()
    {
        using var repo = Copy("dotnet-apps", "broken");

        var changed = FixApplier.Fix([repo.Root], new ConnectionBudget(100), out var after);

        Assert.Empty(after.Findings);
        Assert.Equal(3, changed.Count);
        var orders = File.ReadAllText(Path.Combine(repo.Root, "orders-api", "appsettings.json"));
        Assert.Contains("// The outage's configuration: no Maximum Pool Size", orders, StringComparison.Ordinal); // the comment survives
        Assert.Contains("Username=orders;Password=secret;Maximum Pool Size=32;Timeout=15\"", orders, StringComparison.Ordinal); // 97 usable over 3 instances
        Assert.Contains("User Id=reports;Maximum Pool Size=32;Timeout=15", File.ReadAllText(Path.Combine(repo.Root, "reports", "appsettings.json")), StringComparison.Ordinal);
        var diff = changed.Single(c => c.File.EndsWith(Path.Combine("orders-api", "appsettings.json"), StringComparison.Ordinal)).Diff;
        Assert.Contains("+    \"Main\": \"Host=db.internal;Port=5432;Database=shop;Username=orders;Password=***;Maximum Pool Size=32;Timeout=15\"", diff, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", string.Concat(changed.Select(c => c.Diff)), StringComparison.Ordinal);
    }

    [Fact]
    public void Gateways_get_finite_caps_that_share_the_server_and_PgBouncer_a_max_db_connections_line()
    {
        using var repo = Copy("mixed-gateways");

        FixApplier.Fix([repo.Root], null, out var after);

        Assert.DoesNotContain(after.Findings, f => f.Severity == Severity.Error);
        var ini = File.ReadAllText(Path.Combine(repo.Root, "pgbouncer", "pgbouncer.ini"));
        Assert.Contains("default_pool_size = 32\n", ini, StringComparison.Ordinal); // 97 usable over 3 gateway instances
        Assert.Contains("max_db_connections = 32\n", ini, StringComparison.Ordinal);
        Assert.Contains("query_wait_timeout = 30\n", ini, StringComparison.Ordinal);
        Assert.StartsWith("; The reporting pooler, copied from an old host", ini, StringComparison.Ordinal);
        Assert.Contains("\"MaxServerConnections\": 32,", File.ReadAllText(Path.Combine(repo.Root, "poolguard", "poolguard.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_Kubernetes_ConfigMap_string_and_a_HikariCP_key_are_rewritten_in_place()
    {
        using var kubernetes = Copy("kubernetes", Path.Combine("reports", "broken.yaml"));
        using var java = Copy("mixed-java-python");

        FixApplier.Fix([kubernetes.Root], null, out var scaled);
        FixApplier.Fix([java.Root], null, out _);

        Assert.Empty(scaled.Findings); // PG007 fixed: orders-api 4 per instance, 48 at 12 replicas
        Assert.Contains("Maximum Pool Size=4;Timeout=15\"", File.ReadAllText(Path.Combine(kubernetes.Root, "orders-api", "configmap.yaml")), StringComparison.Ordinal);
        Assert.Contains("      maximum-pool-size: 10\n", File.ReadAllText(Path.Combine(java.Root, "inventory", "src", "main", "resources", "application.yml")), StringComparison.Ordinal);
        Assert.Contains("spring.datasource.url=jdbc:postgresql://db.internal:5432/shop\nspring.datasource.hikari.maximum-pool-size=10\n",
            File.ReadAllText(Path.Combine(java.Root, "catalog", "config", "application.properties")), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_budget_nothing_that_needs_a_share_is_rewritten()
    {
        using var repo = Copy("dotnet-apps", "broken");

        var changed = FixApplier.Fix([repo.Root], null, out var after);

        Assert.Contains(after.Findings, f => f.RuleId == RuleIds.PoolingUnbounded); // no share known to cap it at
        Assert.DoesNotContain(changed, c => c.After.Contains("Maximum Pool Size=", StringComparison.Ordinal) && !c.Before.Contains("Maximum Pool Size=", StringComparison.Ordinal));
    }
}
