using System.Diagnostics;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using static PoolGuard.IntegrationTests.Infrastructure.NpgsqlScalar;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// The gateway's deadlines hold when PostgreSQL stops answering altogether (a frozen network, a hung
/// host): query_timeout cannot cancel through the same frozen path, so after a short grace the server
/// is closed and the client told; idle_transaction_timeout tells the client at once, whatever the
/// ROLLBACK to the frozen server does. The freeze is a loopback proxy that stops forwarding.
/// </summary>
public sealed class FrozenServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    /// <summary>The reset wait (server_connect_timeout), long enough that a deadline that waits on it is plainly late.</summary>
    private static readonly TimeSpan ResetWait = TimeSpan.FromSeconds(6);

    /// <summary>The timer and a loaded 2-core machine may add this much.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1.5);

    private static PoolGuardConfig Through(DelayingProxy proxy, PoolGuardConfig config, PoolMode mode) => config with
    {
        PoolMode = mode,
        DefaultPoolSize = 2,
        AuthType = AuthType.Trust,
        ServerConnectTimeout = ResetWait,
        Databases = new Dictionary<string, DatabaseEntry>
        {
            ["app"] = new() { Name = "app", Host = "127.0.0.1", Port = proxy.Port },
        },
    };

    [SkippableTheory]
    [InlineData(PoolMode.Transaction)]
    [InlineData(PoolMode.Session)]
    public async Task A_query_to_a_frozen_server_ends_at_query_timeout_plus_the_cancel_grace_and_the_server_is_not_reused(PoolMode mode)
    {
        await using var proxy = DelayingProxy.Start(PgSandbox.Host, PgSandbox.Port, TimeSpan.Zero);
        await using var gateway = GatewayHarness.Start(c => Through(proxy, c, mode) with { QueryTimeout = Timeout });
        await using (var connection = await gateway.OpenAsync())
        {
            Assert.Equal(1, await ScalarAsync(connection, "select 1"));

            proxy.Freeze();
            var clock = Stopwatch.StartNew();
            var ended = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, "select 2"));
            var waited = clock.Elapsed;
            Assert.Equal("57014", ended.SqlState);
            Assert.Equal("FATAL", ended.Severity);
            Assert.Contains("query_timeout", ended.MessageText, StringComparison.Ordinal);
            Assert.InRange(waited, Timeout, Timeout + TimeSpan.FromSeconds(2) + Slack);
        }

        // The frozen server was closed, not handed on: after the thaw a new client gets a working one.
        proxy.Thaw();
        await gateway.AssertServesNewClientAsync();
        await gateway.AssertPoolSettledAsync();
    }

    [SkippableTheory]
    [InlineData(PoolMode.Transaction)]
    [InlineData(PoolMode.Session)]
    public async Task A_client_idle_in_a_transaction_on_a_frozen_server_hears_of_idle_transaction_timeout_on_time(PoolMode mode)
    {
        await using var proxy = DelayingProxy.Start(PgSandbox.Host, PgSandbox.Port, TimeSpan.Zero);
        await using var gateway = GatewayHarness.Start(c => Through(proxy, c, mode) with { IdleTransactionTimeout = Timeout });
        using var client = await RawPgClient.LogInWithTrustAsync(gateway);
        await client.SendAsync(RawPgClient.Query("begin; select 1"));
        Assert.Equal('T', (await client.ReadUntilReadyForQueryAsync())[^1].TransactionStatus());

        proxy.Freeze();
        var clock = Stopwatch.StartNew();
        var (error, closed) = await client.ReadErrorThenCloseAsync(ResetWait * 2);
        var waited = clock.Elapsed;
        Assert.NotNull(error);
        Assert.Equal("25P03", error.Fields()['C']);
        Assert.True(closed);
        Assert.InRange(waited, Timeout - TimeSpan.FromMilliseconds(100), Timeout + Slack);

        proxy.Thaw();
        await gateway.AssertServesNewClientAsync();
        await gateway.AssertPoolSettledAsync();
    }
}
