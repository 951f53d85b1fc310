using PoolGuard.Config;
using PoolGuard.Config.Model;

namespace PoolGuard.Tests.Config;

public sealed class ConfigChangesTests
{
    private static readonly PoolGuardConfig Before = new()
    {
        DefaultPoolSize = 20,
        QueryWaitTimeout = TimeSpan.FromSeconds(120),
        Databases = new Dictionary<string, DatabaseEntry> { ["app"] = new() { Name = "app", Password = "db-secret-1" }, ["old"] = new() { Name = "old" } },
        Users = new Dictionary<string, UserEntry> { ["alice"] = new() { Name = "alice", Secret = "alice-secret-1" } },
    };

    [Fact]
    public void Each_changed_setting_is_one_line_with_old_and_new_value()
    {
        var after = Before with
        {
            DefaultPoolSize = 5,
            QueryWaitTimeout = TimeSpan.FromSeconds(30),
            IgnoreStartupParameters = ["extra_float_digits"],
            Databases = new Dictionary<string, DatabaseEntry> { ["app"] = new() { Name = "app", Password = "db-secret-1", PoolSize = 7 }, ["new"] = new() { Name = "new" } },
        };

        var changes = ConfigChanges.Describe(Before, after);

        Assert.Equal(
        [
            "DefaultPoolSize: 20 → 5",
            "QueryWaitTimeout: 120s → 30s",
            "IgnoreStartupParameters: [] → [extra_float_digits]",
            "database old: removed",
            "database new: added",
            "database app: PoolSize: (not set) → 7",
        ], changes);
    }

    [Fact]
    public void A_changed_password_or_secret_is_named_but_never_shown()
    {
        var after = Before with
        {
            Databases = new Dictionary<string, DatabaseEntry> { ["app"] = new() { Name = "app", Password = "db-secret-2" }, ["old"] = new() { Name = "old" } },
            Users = new Dictionary<string, UserEntry> { ["alice"] = new() { Name = "alice", Secret = "alice-secret-2" } },
        };

        var changes = ConfigChanges.Describe(Before, after);

        Assert.Equal(["database app: Password changed", "user alice: Secret changed"], changes);
        Assert.DoesNotContain(changes, c => c.Contains("secret-", StringComparison.Ordinal));
    }

    [Fact]
    public void A_changed_admin_http_token_is_named_but_never_shown()
    {
        var changes = ConfigChanges.Describe(Before with { AdminHttpToken = "token-secret-1" }, Before with { AdminHttpToken = "token-secret-2" });

        Assert.Equal(["AdminHttpToken changed"], changes);
    }

    [Fact]
    public void Every_setting_that_holds_a_secret_is_marked_so()
    {
        // A password, a verifier or a token under another name would be shown in every change list.
        var marked = new[] { typeof(PoolGuardConfig), typeof(DatabaseEntry), typeof(UserEntry), typeof(WatchEntry) }
            .SelectMany(t => t.GetProperties())
            .Where(p => p.IsDefined(typeof(SecretAttribute), inherit: false))
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(["DatabaseEntry.Password", "PoolGuardConfig.AdminHttpToken", "PoolGuardConfig.AlertWebhookUrls", "PoolGuardConfig.WatchPassword", "UserEntry.Secret", "WatchEntry.Password"], marked);
        var suspicious = new[] { typeof(PoolGuardConfig), typeof(DatabaseEntry), typeof(UserEntry), typeof(WatchEntry) }
            .SelectMany(t => t.GetProperties())
            .Where(p => !p.IsDefined(typeof(SecretAttribute), inherit: false)
                && (p.Name.Contains("Password", StringComparison.Ordinal) || p.Name.EndsWith("Token", StringComparison.Ordinal) || p.Name == "Secret"))
            .Select(p => p.Name);
        Assert.Empty(suspicious);
    }

    [Fact]
    public void The_same_configuration_changes_nothing() => Assert.Empty(ConfigChanges.Describe(Before, Before with { }));
}
