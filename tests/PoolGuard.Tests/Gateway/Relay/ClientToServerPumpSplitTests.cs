using CsCheck;
using PoolGuard.Gateway.Relay;
using PoolGuard.Testing.Buffers;

namespace PoolGuard.Tests.Gateway.Relay;

/// <summary>
/// The session-mode client pump, fed a client's byte stream cut into reads at chosen offsets: every
/// cut gives the same bytes to the server and the same account of what the server owes (ReadyForQuery
/// count, an unsynced extended batch) as the stream read whole.
/// </summary>
public sealed class ClientToServerPumpSplitTests
{
    private static readonly byte[][] Batch =
    [
        Wire.Parse("s1", "select $1"), Wire.Bind("", "s1"), Wire.Describe('P', ""), Wire.Execute(""),
        Wire.Parse("", "select 2"), Wire.Bind("", ""), Wire.Execute(""), Wire.Sync(),
        Wire.Query("select 1"),
        Wire.Parse("", "select 3"), Wire.Bind("", ""), Wire.Flush(),
    ];

    [Fact]
    public async Task A_pipelined_batch_cut_at_every_byte_offset_reaches_the_server_whole_and_is_counted_once()
    {
        var stream = Wire.Concat(Batch);
        for (var offset = 0; offset <= stream.Length; offset++)
        {
            var result = await RunAsync(ChunkedPipeReader.Cut(stream, [offset]));
            Assert.Equal(ClientEnd.Disconnected, result.End);
            Assert.Equal(stream, result.Forwarded);
            Assert.Equal(2, result.PendingReady); // the Sync and the Query
            Assert.True(result.Unsynced, $"cut at {offset}: the Parse/Bind/Flush after the Query still wait for a Sync");
        }
    }

    [Fact]
    public async Task A_DISCARD_ALL_cut_at_every_byte_offset_is_followed_by_the_restore_of_the_startup_settings_once()
    {
        byte[][] messages = [Wire.Query("select 1"), Wire.Query("DISCARD ALL"), Wire.Query("select 2")];
        var stream = Wire.Concat(messages);
        var restoreSql = "select set_config('application_name', 'app', false)";
        for (var offset = 0; offset <= stream.Length; offset++)
        {
            var restore = new StartupRestore(restoreSql);
            var result = await RunAsync(ChunkedPipeReader.Cut(stream, [offset]), restore);
            Assert.Equal(ClientEnd.Disconnected, result.End);
            Assert.Equal(Wire.Concat([messages[0], messages[1], Wire.Query(restoreSql), messages[2]]), result.Forwarded);
            Assert.Equal(4, result.PendingReady);
            Assert.True(restore.IsRestoreAnswer(3), $"cut at {offset}: the restore's answer is the third ReadyForQuery");
        }
    }

    [Fact]
    public async Task One_byte_reads_end_at_Terminate_which_the_server_never_sees()
    {
        var stream = Wire.Concat([.. Batch, Wire.Sync(), Wire.Terminate(), Wire.Query("never sent")]);
        var result = await RunAsync(ChunkedPipeReader.Cut(stream, Enumerable.Range(1, stream.Length)));
        Assert.Equal(ClientEnd.Terminated, result.End);
        Assert.Equal(Wire.Concat([.. Batch, Wire.Sync()]), result.Forwarded);
        Assert.Equal(3, result.PendingReady);
        Assert.False(result.Unsynced);
    }

    [Fact]
    public async Task A_stream_cut_inside_a_message_ends_mid_message()
    {
        var stream = Wire.Concat(Batch);
        var result = await RunAsync(ChunkedPipeReader.Cut(stream[..^3], [7, 20]));
        Assert.Equal(ClientEnd.DisconnectedMidMessage, result.End);
    }

    [Fact]
    public async Task A_message_with_an_impossible_length_is_a_violation_and_nothing_after_it_is_forwarded()
    {
        var bad = Wire.Query("x");
        bad[4] = 2; // length 2: shorter than the length field itself
        var stream = Wire.Concat([Wire.Query("select 1"), bad, Wire.Query("select 2")]);
        for (var offset = 0; offset <= stream.Length; offset++)
        {
            var result = await RunAsync(ChunkedPipeReader.Cut(stream, [offset]));
            Assert.Equal(ClientEnd.ProtocolViolation, result.End);
            Assert.NotNull(result.Violation);
            Assert.Equal(Wire.Query("select 1"), result.Forwarded);
        }
    }

    /// <summary>Any mix of simple and extended messages, cut anywhere: the server gets exactly the stream, and the count matches a model of it.</summary>
    [Fact]
    public async Task Any_message_mix_cut_anywhere_matches_the_model()
    {
        await ClientStreams.MixCutAnywhere.SampleAsync(async (messages, offsets) =>
        {
            var stream = Wire.Concat(messages);
            var result = await RunAsync(ChunkedPipeReader.Cut(stream, offsets));
            Assert.Equal(stream, result.Forwarded);
            Assert.Equal(ClientEnd.Disconnected, result.End);
            Assert.Equal(messages.Count(m => m[0] is (byte)'Q' or (byte)'S'), result.PendingReady);
            var afterLastSync = messages.Reverse().TakeWhile(m => m[0] != (byte)'S');
            Assert.Equal(afterLastSync.Any(m => m[0] != (byte)'Q'), result.Unsynced);
        }, iter: 150, threads: 1);
    }

    private sealed record Result(ClientEnd End, byte[] Forwarded, long PendingReady, bool Unsynced, string? Violation);

    private static async Task<Result> RunAsync(IReadOnlyList<byte[]> chunks, StartupRestore? restore = null)
    {
        using var rig = new PumpRig();
        var (client, _) = rig.Transport(chunks);
        var (serverTransport, written) = rig.Transport([], isServer: true);
        var server = rig.Server(serverTransport);
        var pump = new ClientToServerPump(client, server, new RelayStop(), restore: restore);
        var end = await pump.RunAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var forwarded = await PumpRig.WrittenAsync(serverTransport, written);
        client.Close();
        return new Result(end, forwarded, Volatile.Read(ref server.PendingReadyForQuery), server.HasUnsyncedMessages, pump.Violation);
    }
}
