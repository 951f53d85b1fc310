using PoolGuard.LoadTest.Scripts;

namespace PoolGuard.Tests.LoadTest;

/// <summary>Custom load scripts in pgbench's style: variables, bound parameters, casts and quotes left alone, errors with their line.</summary>
public sealed class LoadScriptTests
{
    [Fact]
    public void Variables_become_bound_parameters_in_order_of_first_use_and_casts_and_quotes_are_left_alone()
    {
        var script = LoadScript.Parse("orders.sql", """
            -- an order and its lines
            \set customer random(1, 5000)
            \set n 3
            BEGIN;
            INSERT INTO orders (customer, note, qty)
              VALUES (:customer, 'a :literal, not a variable', :n::int);
            SELECT count(*) FROM orders WHERE customer = :customer AND qty >= :n;
            COMMIT;
            """, weight: 3);

        Assert.Equal(3, script.Weight);
        Assert.Equal([new ScriptVariable("customer", 1, 5000), new ScriptVariable("n", 3, 3)], script.Variables);
        Assert.Equal(4, script.Statements.Count);
        var insert = script.Statements[1];
        Assert.Equal("INSERT INTO orders (customer, note, qty)\n  VALUES ($1, 'a :literal, not a variable', $2::int)", insert.Sql);
        Assert.Equal(["customer", "n"], insert.Parameters);
        Assert.Equal(5, insert.Line);
        Assert.Equal("SELECT count(*) FROM orders WHERE customer = $1 AND qty >= $2", script.Statements[2].Sql);
    }

    [Theory]
    [InlineData("SELECT :x;", "t.sql:1: :x is used but never \\set")]
    [InlineData("\\set x random(9, 1)\nSELECT :x;", "t.sql:1: random(9, 1) has its bounds the wrong way round")]
    [InlineData("\\sleep 10 ms\nSELECT 1;", "t.sql:1: '\\sleep 10 ms' is not a meta-command")]
    [InlineData("SELECT 1\n", "t.sql:1: the statement does not end with ';'")]
    [InlineData("-- nothing\n", "t.sql: no SQL statement")]
    public void A_script_that_cannot_be_read_names_its_file_and_line(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => LoadScript.Parse("t.sql", text));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
