using CsCheck;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.Transactions;
using PoolGuard.Testing.Buffers;

namespace PoolGuard.Tests.Gateway.Relay;

/// <summary>
/// The transaction-mode client pump, fed a client's stream cut into reads at chosen offsets, with an
/// owner that links one server at the first request: every cut forwards the same bytes and queues
/// the same answers owed, in order, as the stream read whole.
/// </summary>
public sealed class TransactionClientPumpSplitTests
{
    [Fact]
    public async Task A_pipelined_batch_cut_at_every_byte_offset_queues_each_answer_owed_once_in_order()
    {
        byte[][] batch =
        [
            Wire.Parse("", "select 1"), Wire.Bind("", ""), Wire.Describe('P', ""), Wire.Execute(""), Wire.Flush(),
            Wire.Parse("", "select 2"), Wire.Bind("", ""), Wire.Execute(""), Wire.Sync(), Wire.Query("select 3"),
        ];
        var stream = Wire.Concat(batch);
        for (var offset = 0; offset <= stream.Length; offset++)
        {
            var result = await RunAsync(ChunkedPipeReader.Cut(stream, [offset]));
            Assert.Equal(ClientEnd.Disconnected, result.End);
            Assert.Equal(stream, result.Forwarded);
            Assert.Equal("PBDEPBESQ", result.Owed);
            Assert.Equal(1, result.Attaches);
        }
    }

    [Fact]
    public async Task Any_message_mix_cut_anywhere_is_forwarded_whole_and_owes_what_a_model_says()
    {
        await ClientStreams.MixCutAnywhere.SampleAsync(async (messages, offsets) =>
        {
            var stream = Wire.Concat(messages);
            var result = await RunAsync(ChunkedPipeReader.Cut(stream, offsets));
            Assert.Equal(stream, result.Forwarded);
            Assert.Equal(ClientEnd.Disconnected, result.End);
            // Every message but Flush is answered (Query and Sync by a ReadyForQuery, the rest by their own reply).
            Assert.Equal(string.Concat(messages.Where(m => m[0] != (byte)'H').Select(m => (char)m[0])), result.Owed);
        }, iter: 150, threads: 1);
    }

    private sealed record Result(ClientEnd End, byte[] Forwarded, string Owed, int Attaches);

    private static async Task<Result> RunAsync(IReadOnlyList<byte[]> chunks)
    {
        using var rig = new PumpRig();
        var (client, _) = rig.Transport(chunks);
        var (serverTransport, written) = rig.Transport([], isServer: true);
        var server = rig.Server(serverTransport);
        // No prepared-statement tracking: names go through unchanged.
        var link = new TransactionLink(rig.Pool, NoSettings, statementMode: false, maxPreparedStatements: 0);
        var owner = new OneServer(link, server);
        var pump = new TransactionClientPump(client, link, new RelayStop(), owner);
        var end = await pump.RunAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var forwarded = await PumpRig.WrittenAsync(serverTransport, written);
        client.Close();
        var owed = new List<char>();
        while (link.Pending.Count > 0)
        {
            owed.Add((char)link.Pending.Dequeue().Kind);
        }
        return new Result(end, forwarded, string.Concat(owed), owner.Attaches);
    }

    /// <summary>Links the same server at the first request and keeps it linked (no server pump runs to give it back).</summary>
    private sealed class OneServer(TransactionLink link, ServerConnection server) : ILinkOwner
    {
        public int Attaches { get; private set; }

        public ValueTask<ServerConnection> AttachAsync()
        {
            Attaches++;
            lock (link.Sync)
            {
                link.Server = server;
            }
            return ValueTask.FromResult(server);
        }

        public ValueTask AnswerAsync(ReadOnlyMemory<byte> reply) =>
            throw new InvalidOperationException("nothing here is answered by the gateway itself");
    }

    private static readonly ParameterSet NoSettings = new(new Dictionary<string, string>(), new Dictionary<string, string?>());
}
