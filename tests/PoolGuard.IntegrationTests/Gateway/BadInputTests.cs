using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// Garbage on one connection ends that connection, with an 08P01 ErrorResponse where the gateway
/// can still say something; it never hangs, never hands a dirty server to the next client, and
/// never disturbs the other clients: a bystander runs queries throughout every test.
/// </summary>
public sealed class BadInputTests
{
    private const string ProtocolViolation = "08P01";

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Random_bytes_as_the_first_packet_end_only_that_connection(int seed) =>
        await WithBystanderAsync(AuthType.Trust, async gateway =>
        {
            var garbage = new byte[256];
            new Random(seed).NextBytes(garbage);
            using var client = await RawPgClient.ConnectAsync(gateway);
            await client.SendAsync(garbage);
            TryShutdownSend(client);
            await AssertEndedAsync(client, errorRequired: false);
        });

    [SkippableFact]
    public async Task A_truncated_startup_packet_then_close_gets_08P01() =>
        await WithBystanderAsync(AuthType.Trust, async gateway =>
        {
            using var client = await RawPgClient.ConnectAsync(gateway);
            await client.SendAsync(RawPgClient.Startup(("user", PgSandbox.Roles.App), ("database", "app")).AsMemory(0, 20));
            client.ShutdownSend();
            await AssertEndedAsync(client, errorRequired: true);
        });

    [SkippableTheory]
    [InlineData(int.MinValue)] // 0x80000000: 2^31 read as a signed length
    [InlineData(int.MaxValue)] // 0x7FFFFFFF
    [InlineData(4)]
    [InlineData(10_001)]
    public async Task A_startup_packet_with_an_impossible_length_gets_08P01(int length) =>
        await WithBystanderAsync(AuthType.Trust, async gateway =>
        {
            using var client = await RawPgClient.ConnectAsync(gateway);
            var header = RawPgClient.Packet(196608, []);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, length);
            await client.SendAsync(header);
            await AssertEndedAsync(client, errorRequired: true);
        });

    [SkippableTheory]
    [InlineData('@', 4)]            // unknown message type
    [InlineData('p', 4)]            // a login-only message after login
    [InlineData('Q', int.MaxValue)] // 2^31-1
    [InlineData('Q', int.MinValue)] // 2^31
    [InlineData('Q', 3)]            // shorter than its own length field
    public async Task A_bad_message_after_login_gets_08P01_and_the_server_is_not_left_dirty(char type, int length) =>
        await WithBystanderAsync(AuthType.Trust, async gateway =>
        {
            using var client = await RawPgClient.LogInWithTrustAsync(gateway);
            await client.SendAsync(RawPgClient.Message((byte)type, length, []));
            await AssertEndedAsync(client, errorRequired: true);
        });

    [SkippableFact]
    public async Task A_client_that_sends_half_a_query_and_closes_loses_its_server_and_nobody_else_notices() =>
        await WithBystanderAsync(AuthType.Trust, async gateway =>
        {
            using var client = await RawPgClient.LogInWithTrustAsync(gateway);
            await client.SendAsync(RawPgClient.Query("select pg_backend_pid()"));
            var pid = (await client.ReadUntilReadyForQueryAsync()).Single(m => m.TypeChar == 'D').Columns()[0];

            // Longer than a command the gateway reads whole before forwarding (DISCARD ALL and the like):
            // its first half goes straight on to the server.
            var query = RawPgClient.Query($"select '{new string('x', 300)}' as never_arrives_whole");
            await client.SendAsync(query.AsMemory(0, query.Length / 2));
            await Task.Delay(200);
            client.CloseAbruptly();

            // The server got half a message: it cannot be reset, only closed.
            await Eventually.AssertAsync(() => PgSandbox.ScalarAsync<long>("select count(*) from pg_stat_activity where pid = $1::int", pid!),
                n => n == 0, TimeSpan.FromSeconds(10), $"the server (pid {pid}) that received half a message is still connected");
        });

    [SkippableTheory]
    [InlineData('Q')]            // a query instead of the SASL response
    [InlineData('p')]            // a password message with an absurd length
    public async Task A_bad_message_during_scram_login_gets_08P01(char type) =>
        await WithBystanderAsync(AuthType.ScramSha256, async gateway =>
        {
            using var client = await RawPgClient.ConnectAsync(gateway);
            await client.SendAsync(RawPgClient.Startup(("user", PgSandbox.Roles.App), ("database", "app")));
            Assert.Equal(10, (await client.ReadMessageAsync())!.AuthCode);
            await client.SendAsync(type == 'Q' ? RawPgClient.Query("select 1") : RawPgClient.Message((byte)'p', int.MaxValue, []));
            await AssertEndedAsync(client, errorRequired: true);
        });

    [SkippableTheory]
    [InlineData(80877103)] // SSLRequest
    [InlineData(80877104)] // GSSENCRequest
    public async Task An_encryption_request_is_answered_N_and_a_normal_startup_follows_on_the_same_socket(int code) =>
        await WithBystanderAsync(AuthType.Trust, async gateway =>
        {
            using var client = await RawPgClient.ConnectAsync(gateway);
            await client.SendAsync(RawPgClient.Packet(code, []));
            Assert.Equal('N', (char)await client.ReadByteAsync());

            await client.SendAsync(RawPgClient.Startup(("user", PgSandbox.Roles.App), ("database", "app")));
            Assert.Contains(await client.ReadUntilReadyForQueryAsync(), m => m.TypeChar == 'R' && m.AuthCode == 0);
            await client.SendAsync(RawPgClient.Query("select 6 * 7"));
            var answer = await client.ReadUntilReadyForQueryAsync();
            Assert.Equal("42", answer.Single(m => m.TypeChar == 'D').Columns()[0]);
            await client.SendAsync(RawPgClient.Message((byte)'X', 4, []));
            Assert.Null(await client.ReadMessageAsync());
        });

    /// <summary>
    /// Runs <paramref name="abuse"/> while a bystander queries in a loop; then the bystander must have
    /// kept going without a single error, a new client must be served, and once everyone has left the
    /// pool must hold no server that is still active, logging in or being reset.
    /// </summary>
    private static async Task WithBystanderAsync(AuthType authType, Func<GatewayHarness, Task> abuse)
    {
        await using var gateway = GatewayHarness.Start(c => c with { AuthType = authType, ClientLoginTimeout = TimeSpan.FromSeconds(30) });
        await using (var bystander = await BystanderClient.StartAsync(gateway))
        {
            await bystander.AssertProgressAsync();
            await abuse(gateway).WaitAsync(TimeSpan.FromSeconds(60));
            await bystander.AssertProgressAsync();
            await gateway.AssertServesNewClientAsync();
            await bystander.StopAsync();
        }
        await gateway.AssertPoolSettledAsync();
        await gateway.AssertServesNewClientAsync();
        await gateway.AssertPoolSettledAsync();
        await Eventually.AssertAsync(() => Task.FromResult(gateway.Server.ServerConnections - gateway.Pool()!.ServersIdle), n => n == 0, TimeSpan.FromSeconds(10), "servers counted besides the idle ones (a closed server counts until its backend is gone)");
    }

    /// <summary>The connection ends: an ErrorResponse with SQLSTATE 08P01 (if any, or if required), then a close.</summary>
    private static async Task AssertEndedAsync(RawPgClient client, bool errorRequired)
    {
        var (error, closed) = await client.ReadErrorThenCloseAsync();
        Assert.True(closed);
        if (errorRequired)
        {
            Assert.True(error is not null, "the gateway closed the connection without an ErrorResponse");
        }
        if (error is not null)
        {
            var fields = error.Fields();
            Assert.True(fields.GetValueOrDefault('C') == ProtocolViolation, $"expected SQLSTATE {ProtocolViolation}, got {error}");
            Assert.Equal("FATAL", fields.GetValueOrDefault('S'));
        }
    }

    private static void TryShutdownSend(RawPgClient client)
    {
        try
        {
            client.ShutdownSend();
        }
        catch (System.Net.Sockets.SocketException)
        {
            // The gateway already closed on the garbage it read; that is an acceptable ending too.
        }
    }
}
