using System.Collections.Concurrent;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Relay;

/// <summary>
/// Session pooling: the settings a client logged in with are applied with set_config() on its
/// server, so a DISCARD ALL or RESET ALL of its own would put the server's defaults in their place,
/// where PostgreSQL puts back the startup values. The client direction sends this query right
/// after such a reset; the server direction passes on only its ParameterStatus messages (the client
/// learns its settings are back) and drops the rest of its answer. Answers come in order, so the
/// ReadyForQuery that ends each restore's answer is known by its ordinal.
/// </summary>
internal sealed class StartupRestore
{
    private readonly ConcurrentQueue<long> _answers = new();

    public StartupRestore(string sql)
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>(sql.Length + 8);
        MessageWriter.WriteQuery(writer, sql);
        Query = writer.WrittenSpan.ToArray();
    }

    /// <summary>The Query message that restores the startup settings.</summary>
    public byte[] Query { get; }

    /// <summary>The restore was sent; its answer ends at the <paramref name="readyOrdinal"/>-th ReadyForQuery of the relay.</summary>
    public void Sent(long readyOrdinal) => _answers.Enqueue(readyOrdinal);

    /// <summary>Whether the answer ending at the <paramref name="readyOrdinal"/>-th ReadyForQuery is a restore's.</summary>
    public bool IsRestoreAnswer(long readyOrdinal) => _answers.TryPeek(out var next) && next == readyOrdinal;

    public void Answered() => _answers.TryDequeue(out _);
}
