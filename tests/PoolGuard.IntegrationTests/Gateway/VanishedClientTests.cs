using System.Diagnostics;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// A client that disappears while its server still expects more from it (the rest of a message, the
/// rest of a COPY, the Sync of a batch) must not keep that server: no answer can come, so waiting for
/// one only stalls the pool. The server is freed at once and the log says why.
/// </summary>
public sealed class VanishedClientTests
{
    /// <summary>The reset wait (server_connect_timeout), long here so that a gateway which waits it out is plain to see.</summary>
    private static readonly TimeSpan ResetWait = TimeSpan.FromSeconds(10);

    /// <summary>What "at once" allows on a loaded 2-core machine: far below the reset wait.</summary>
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(3);

    public enum Vanish
    {
        MidMessage,
        MidCopy,
        UnsyncedBatch,
    }

    [SkippableTheory]
    [InlineData(PoolMode.Transaction, Vanish.MidMessage)]
    [InlineData(PoolMode.Transaction, Vanish.MidCopy)]
    [InlineData(PoolMode.Transaction, Vanish.UnsyncedBatch)]
    [InlineData(PoolMode.Session, Vanish.MidMessage)]
    [InlineData(PoolMode.Session, Vanish.MidCopy)]
    [InlineData(PoolMode.Session, Vanish.UnsyncedBatch)]
    public async Task Clients_that_vanish_with_their_server_waiting_for_more_free_it_at_once_and_the_log_says_why(PoolMode mode, Vanish how)
    {
        const int poolSize = 3;
        await using var table = await ScratchTable.CreateAsync("id int", "vanish");
        var logs = new LogCapture();
        await using var gateway = GatewayHarness.Start(c => c with
        {
            PoolMode = mode,
            DefaultPoolSize = poolSize,
            AuthType = AuthType.Trust,
            ServerConnectTimeout = ResetWait,
        }, logs);

        // Every server of the pool is held by a client that is about to disappear.
        var vanishing = new List<RawPgClient>();
        for (var i = 0; i < poolSize; i++)
        {
            var client = await RawPgClient.LogInWithTrustAsync(gateway);
            vanishing.Add(client);
            await LeaveServerWaitingAsync(client, how, table.Name);
        }
        await Eventually.AssertAsync(() => gateway.Pool()?.ServersActive ?? 0, n => n == poolSize, TimeSpan.FromSeconds(10),
            "the vanishing clients did not all hold a server");

        var clock = Stopwatch.StartNew();
        foreach (var client in vanishing)
        {
            client.CloseAbruptly();
            client.Dispose();
        }
        // The next client needs one of those servers (or a replacement): it must not wait the reset out.
        await using (var next = await gateway.OpenAsync())
        await using (var command = new Npgsql.NpgsqlCommand("select 41 + 1", next))
        {
            Assert.Equal(42, await command.ExecuteScalarAsync().WaitAsync(ResetWait * 2));
        }
        var waited = clock.Elapsed;
        Assert.True(waited < AtOnce, $"the next client waited {waited.TotalSeconds:0.0} s for a server the vanished clients held (reset wait {ResetWait.TotalSeconds:0} s)");

        Assert.Equal(0, await table.CountCommittedRowsAsync());
        var reason = Reason(how);
        await Eventually.AssertAsync(() => logs.Lines.Count(l => l.Contains(reason, StringComparison.Ordinal)), n => n == poolSize, TimeSpan.FromSeconds(5),
            $"log lines saying a client left {reason}; the log was:\n{string.Join("\n", logs.Lines)}");
        await gateway.AssertPoolSettledAsync();
    }

    /// <summary>What the log must say for each way of leaving.</summary>
    private static string Reason(Vanish how) => how switch
    {
        Vanish.MidMessage => "in the middle of a message",
        Vanish.MidCopy => "during COPY FROM STDIN",
        _ => "before the Sync of an extended-query batch",
    };

    /// <summary>Starts something the server can only finish with more from this client, and sends no more.</summary>
    private static async Task LeaveServerWaitingAsync(RawPgClient client, Vanish how, string table)
    {
        switch (how)
        {
            case Vanish.MidMessage:
                // A Query that says it is 1,000 bytes long, and 30 of them.
                var sql = System.Text.Encoding.UTF8.GetBytes($"insert into {table} values (1);");
                await client.SendAsync(RawPgClient.Message((byte)'Q', 1000, sql[..30]));
                break;
            case Vanish.MidCopy:
                await client.SendAsync(RawPgClient.Query($"copy {table} from stdin"));
                PgMessage? started;
                do
                {
                    started = await client.ReadMessageAsync() ?? throw new InvalidDataException("closed instead of starting the COPY");
                }
                while (started.TypeChar is 'S' or 'N');
                Assert.Equal('G', started.TypeChar);
                await client.SendAsync(RawPgClient.Message((byte)'d', 4 + 2, "1\n"u8.ToArray()));
                break;
            case Vanish.UnsyncedBatch:
                // Flush, not Sync: the answers prove the insert ran, and its implicit transaction is still open.
                await client.SendAsync(ExtendedQuery.Concat(
                    ExtendedQuery.Parse("", $"insert into {table} values ($1::int)"), ExtendedQuery.Bind("", "", "1"), ExtendedQuery.Execute(), ExtendedQuery.Flush()));
                var answered = "";
                while (answered.Length < 3)
                {
                    var message = await client.ReadMessageAsync() ?? throw new InvalidDataException($"closed after {answered}");
                    if (message.TypeChar is not ('S' or 'N'))
                    {
                        answered += message.TypeChar; // ParameterStatus and notices come when they will
                    }
                }
                Assert.Equal("12C", answered);
                break;
        }
    }
}
