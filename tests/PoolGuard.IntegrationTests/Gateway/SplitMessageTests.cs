using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// TCP may deliver a message in pieces anywhere, and a client that pipelines more than one read
/// holds will see its stream cut at arbitrary offsets. A short Query (one that may be DISCARD,
/// RESET or DEALLOCATE, which the gateway reads) whose 5-byte header arrives before its body must be
/// answered like any other, in every pool mode.
/// </summary>
public sealed class SplitMessageTests
{
    [SkippableTheory]
    [InlineData(PoolMode.Transaction)]
    [InlineData(PoolMode.Statement)]
    [InlineData(PoolMode.Session)]
    public async Task A_short_query_whose_header_arrives_before_its_body_is_answered(PoolMode mode)
    {
        await using var gateway = GatewayHarness.Start(c => c with { PoolMode = mode, AuthType = AuthType.Trust, DefaultPoolSize = 2 });
        // application_name is a startup setting: in session mode the gateway restores it after a DISCARD ALL.
        using var client = await RawPgClient.LogInWithTrustAsync(gateway);

        foreach (var sql in new[] { "select 1", "DISCARD ALL", "select 2" })
        {
            var query = RawPgClient.Query(sql);
            await client.SendAsync(query.AsMemory(0, 5));
            await Task.Delay(150); // long enough for the gateway to read the header alone
            await client.SendAsync(query.AsMemory(5));
            var answer = await client.ReadUntilReadyForQueryAsync();
            Assert.True(answer.All(m => m.TypeChar != 'E'), $"{mode}, {sql}: {string.Join(", ", answer.Select(m => m.TypeChar))}");
            Assert.Contains(answer, m => m.TypeChar == 'C');
        }
    }
}
