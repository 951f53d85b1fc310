using PoolGuard.Gateway.Pooling;

namespace PoolGuard.Tests.Gateway.Transactions;

public sealed class ServerStatementsTests
{
    [Fact]
    public void The_least_recently_used_statement_is_evicted_first()
    {
        var statements = new ServerStatements();
        statements.Add("a");
        statements.Add("b");
        statements.Add("c");
        Assert.True(statements.TryUse("a")); // a is now the most recent; b the oldest

        Assert.Equal("b", statements.EvictLeastRecentlyUsed());
        Assert.Equal("c", statements.EvictLeastRecentlyUsed());
        Assert.Equal("a", statements.EvictLeastRecentlyUsed());
        Assert.Null(statements.EvictLeastRecentlyUsed());
        Assert.False(statements.TryUse("a"));
    }

    [Fact]
    public void Removing_and_adding_twice_keep_the_count_right()
    {
        var statements = new ServerStatements();
        statements.Add("a");
        statements.Add("a");
        Assert.Equal(1, statements.Count);
        statements.Remove("a");
        statements.Remove("missing");
        Assert.Equal(0, statements.Count);
    }
}
