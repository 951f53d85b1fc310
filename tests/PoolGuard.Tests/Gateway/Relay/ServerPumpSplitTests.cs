using CsCheck;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.Transactions;
using PoolGuard.Protocol.Messages;
using PoolGuard.Testing.Buffers;

namespace PoolGuard.Tests.Gateway.Relay;

/// <summary>
/// Both server-side pumps fed a server's answers cut into reads at chosen offsets: every cut gives
/// the client the same bytes and leaves the same state (transaction status, settings recorded, what
/// is still owed, whether a transaction-mode link gave its server up) as the stream read whole.
/// </summary>
public sealed class ServerPumpSplitTests
{
    /// <summary>A pipelined extended batch of two statements whose second Parse fails, then a Sync: what the server sends back.</summary>
    private static readonly byte[][] BatchWithError =
    [
        Wire.ParseComplete(), Wire.BindComplete(), Wire.RowDescription(), Wire.DataRow("1"), Wire.CommandComplete("SELECT 1"),
        Wire.Error("42601", "syntax error at or near \"selec\""),
        Wire.ReadyForQuery('I'),
    ];

    /// <summary>What the client sent for <see cref="BatchWithError"/>, as the transaction-mode client pump queues it.</summary>
    private static readonly byte[] BatchRequests =
    [
        FrontendMessage.Parse, FrontendMessage.Bind, FrontendMessage.Describe, FrontendMessage.Execute,
        FrontendMessage.Parse, FrontendMessage.Bind, FrontendMessage.Describe, FrontendMessage.Execute,
        FrontendMessage.Sync,
    ];

    [Fact]
    public async Task Session_mode_answers_cut_at_every_byte_offset_reach_the_client_whole_with_the_status_and_settings_recorded()
    {
        var stream = Wire.Concat([
            Wire.RowDescription(), Wire.DataRow("a"), Wire.CommandComplete("SELECT 1"), Wire.ReadyForQuery('T'),
            Wire.ParameterStatus("application_name", "cut-test"), Wire.CommandComplete("SET"), Wire.ReadyForQuery('T'),
            .. BatchWithError[..^1], Wire.ReadyForQuery('E'),
        ]);
        for (var offset = 0; offset <= stream.Length; offset++)
        {
            var result = await RunSessionAsync(ChunkedPipeReader.Cut(stream, [offset]), readyOwed: 3);
            Assert.Equal(ServerEnd.Disconnected, result.End);
            Assert.Equal(stream, result.Forwarded);
            Assert.Equal((byte)'E', result.Server.TransactionStatus);
            Assert.Equal(0, Volatile.Read(ref result.Server.PendingReadyForQuery));
            Assert.Equal("cut-test", result.Server.Parameters["application_name"]);
            Assert.Equal(BackendMessage.ReadyForQuery, result.LastType);
        }
    }

    [Fact]
    public async Task A_server_header_with_an_impossible_length_stops_the_session_pump_before_that_message()
    {
        var bad = Wire.CommandComplete("SELECT 1");
        bad[1] = 0x7f; // a length of about 2 GB
        var stream = Wire.Concat([Wire.DataRow("1"), bad, Wire.ReadyForQuery('I')]);
        for (var offset = 0; offset <= stream.Length; offset++)
        {
            var result = await RunSessionAsync(ChunkedPipeReader.Cut(stream, [offset]), readyOwed: 1);
            Assert.Equal(ServerEnd.ProtocolViolation, result.End);
            Assert.Equal(Wire.DataRow("1"), result.Forwarded);
        }
    }

    [Fact]
    public async Task A_transaction_mode_batch_with_an_error_mid_batch_cut_at_every_byte_offset_releases_the_server_once()
    {
        var stream = Wire.Concat(BatchWithError);
        for (var offset = 0; offset <= stream.Length; offset++)
        {
            var result = await RunLinkAsync(ChunkedPipeReader.Cut(stream, [offset]), BatchRequests);
            Assert.Equal(ServerEnd.Released, result.End);
            Assert.Equal(stream, result.Forwarded);
            Assert.Equal(0, result.Link.Pending.Count);
            Assert.Null(result.Link.Server);
            Assert.False(result.Link.SkipUntilSync);
        }
    }

    [Fact]
    public async Task A_transaction_left_open_keeps_the_server_linked_however_the_answer_is_cut()
    {
        var stream = Wire.Concat([Wire.CommandComplete("BEGIN"), Wire.ReadyForQuery('T'), Wire.RowDescription(), Wire.DataRow("2"), Wire.CommandComplete("SELECT 1"), Wire.ReadyForQuery('T')]);
        for (var offset = 0; offset <= stream.Length; offset++)
        {
            var result = await RunLinkAsync(ChunkedPipeReader.Cut(stream, [offset]), [FrontendMessage.Query, FrontendMessage.Query]);
            Assert.Equal(ServerEnd.Disconnected, result.End); // the stream ended with the server still the client's
            Assert.Equal(stream, result.Forwarded);
            Assert.NotNull(result.Link.Server);
            Assert.Equal((byte)'T', result.Link.Server!.TransactionStatus);
        }
    }

    /// <summary>Any number of pipelined extended statements, any of them failing, cut anywhere: the link ends released, owing nothing.</summary>
    [Fact]
    public async Task Pipelined_statements_with_any_failure_cut_anywhere_release_the_server_owing_nothing()
    {
        var cases = Gen.Select(Gen.Bool.Array[1, 12], Gen.Int[0, 600].Array[0, 10]);
        await cases.SampleAsync(async (failures, offsets) =>
        {
            var requests = new List<byte>();
            var answers = new List<byte[]>();
            var failed = false;
            foreach (var fails in failures)
            {
                requests.AddRange([FrontendMessage.Parse, FrontendMessage.Bind, FrontendMessage.Describe, FrontendMessage.Execute]);
                if (failed)
                {
                    continue; // after an error the server ignores everything up to the Sync
                }
                if (fails)
                {
                    answers.Add(Wire.Error("22012", "division by zero"));
                    failed = true;
                    continue;
                }
                answers.AddRange([Wire.ParseComplete(), Wire.BindComplete(), Wire.RowDescription(), Wire.DataRow("x"), Wire.CommandComplete("SELECT 1")]);
            }
            requests.Add(FrontendMessage.Sync);
            answers.Add(Wire.ReadyForQuery('I'));
            var stream = Wire.Concat(answers);
            var result = await RunLinkAsync(ChunkedPipeReader.Cut(stream, offsets), [.. requests]);
            Assert.Equal(ServerEnd.Released, result.End);
            Assert.Equal(stream, result.Forwarded);
            Assert.Equal(0, result.Link.Pending.Count);
            Assert.Null(result.Link.Server);
        }, iter: 150, threads: 1);
    }

    private sealed record SessionResult(ServerEnd End, byte[] Forwarded, ServerConnection Server, byte LastType);

    private static async Task<SessionResult> RunSessionAsync(IReadOnlyList<byte[]> chunks, int readyOwed)
    {
        using var rig = new PumpRig();
        var (client, written) = rig.Transport([]);
        var (serverTransport, _) = rig.Transport(chunks, isServer: true);
        var server = rig.Server(serverTransport);
        server.PendingReadyForQuery = readyOwed;
        var pump = new ServerToClientPump(client, server, new RelayStop());
        var end = await pump.RunAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var forwarded = await PumpRig.WrittenAsync(client, written);
        serverTransport.Close();
        return new SessionResult(end, forwarded, server, pump.LastType);
    }

    private sealed record LinkResult(ServerEnd End, byte[] Forwarded, TransactionLink Link);

    private static async Task<LinkResult> RunLinkAsync(IReadOnlyList<byte[]> chunks, byte[] requests)
    {
        using var rig = new PumpRig();
        var (client, written) = rig.Transport([]);
        var (serverTransport, _) = rig.Transport(chunks, isServer: true);
        var server = rig.Server(serverTransport);
        var link = new TransactionLink(rig.Pool, NoSettings, statementMode: false, new PoolGuardConfig().MaxPreparedStatements) { Server = server };
        foreach (var kind in requests)
        {
            link.Pending.Enqueue(new PendingRequest(kind, ResponseAction.Forward));
        }
        var pump = new TransactionServerPump(client, link, new RelayStop());
        var end = await pump.RunAsync(server).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var forwarded = await PumpRig.WrittenAsync(client, written);
        serverTransport.Close();
        return new LinkResult(end, forwarded, link);
    }

    private static readonly ParameterSet NoSettings = new(new Dictionary<string, string>(), new Dictionary<string, string?>());
}
