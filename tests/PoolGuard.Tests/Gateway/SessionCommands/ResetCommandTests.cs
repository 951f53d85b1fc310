using System.Text;
using PoolGuard.Gateway.SessionCommands;

namespace PoolGuard.Tests.Gateway.SessionCommands;

public sealed class ResetCommandTests
{
    [Theory]
    [InlineData("DISCARD ALL", "DiscardAll")]          // what Npgsql sends on a reopened pooled connection
    [InlineData("  discard\n all ;  ", "DiscardAll")]
    [InlineData("RESET ALL", "ResetAll")]
    [InlineData("reset all;", "ResetAll")]
    [InlineData("DEALLOCATE ALL", "DeallocateAll")]
    [InlineData("deallocate prepare all", "DeallocateAll")]
    [InlineData("DISCARD PLANS", "None")]
    [InlineData("RESET timezone", "None")]
    [InlineData("DISCARD ALL; SELECT 1", "None")]
    [InlineData("DISCARD ALLx", "None")]
    [InlineData("DEALLOCATE stmt", "None")]
    [InlineData("resetall", "None")]
    [InlineData("", "None")]
    public void A_whole_session_reset_is_told_from_anything_else(string sql, string kind) =>
        Assert.Equal(kind, ResetCommand.TryParse(Encoding.UTF8.GetBytes(sql)).ToString());
}
