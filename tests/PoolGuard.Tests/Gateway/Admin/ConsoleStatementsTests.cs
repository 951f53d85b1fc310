using PoolGuard.Gateway.Admin;

namespace PoolGuard.Tests.Gateway.Admin;

public sealed class ConsoleStatementsTests
{
    [Fact]
    public void A_query_splits_at_semicolons_into_verbs_and_arguments()
    {
        var statements = ConsoleStatements.Split(" show pools ;SHOW\tSTATS;; version ");

        Assert.Equal([("show", "pools"), ("SHOW", "STATS"), ("version", "")], statements.Select(s => (s.Verb, s.Argument)));
    }

    [Fact]
    public void Semicolons_inside_quotes_do_not_split()
    {
        var statement = Assert.Single(ConsoleStatements.Split("set key = 'a;b'"));

        Assert.Equal(("set", "key = 'a;b'"), (statement.Verb, statement.Argument));
    }

    [Fact]
    public void Blank_queries_have_no_statements()
    {
        Assert.Empty(ConsoleStatements.Split(" ; \n ;"));
    }
}
