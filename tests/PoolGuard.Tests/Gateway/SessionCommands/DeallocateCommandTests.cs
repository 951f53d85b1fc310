using System.Text;
using PoolGuard.Gateway.SessionCommands;

namespace PoolGuard.Tests.Gateway.SessionCommands;

public sealed class DeallocateCommandTests
{
    [Theory]
    [InlineData("DEALLOCATE _pg3_1", "_pg3_1")]          // what psycopg 3 sends
    [InlineData("deallocate prepare stmt;", "stmt")]
    [InlineData("  Deallocate\n\tPREPARE   Mixed_Case  ;  ", "mixed_case")]
    [InlineData("DEALLOCATE \"Quoted \"\" Name\"", "Quoted \" Name")]
    [InlineData("DEALLOCATE prepare", "prepare")]         // a statement called prepare
    [InlineData("DEALLOCATE s$1", "s$1")]
    public void A_deallocate_of_one_name_gives_the_name_as_postgresql_reads_it(string sql, string name) =>
        Assert.Equal(name, DeallocateCommand.TryParse(Encoding.UTF8.GetBytes(sql)));

    [Theory]
    [InlineData("DEALLOCATE ALL")]                        // the server drops everything itself
    [InlineData("deallocate prepare all;")]
    [InlineData("DEALLOCATE")]
    [InlineData("DEALLOCATEx y")]
    [InlineData("DEALLOCATE a; select 1")]                // more than one statement: the server's business
    [InlineData("DEALLOCATE a b")]
    [InlineData("DEALLOCATE \"unterminated")]
    [InlineData("DEALLOCATE \"\"")]
    [InlineData("DEALLOCATE 1abc")]
    [InlineData("select 1")]
    [InlineData("")]
    public void Anything_else_is_not_taken_for_a_deallocate_of_one_name(string sql) =>
        Assert.Null(DeallocateCommand.TryParse(Encoding.UTF8.GetBytes(sql)));
}
