using System.Buffers;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Admin;

/// <summary>The answer to one console query, built whole and sent in one write.</summary>
internal sealed class ConsoleOutput
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    public void Table(IReadOnlyList<ResultColumn> columns, IReadOnlyList<string?[]> rows)
    {
        ResultSetWriter.WriteRowDescription(_buffer, columns);
        foreach (var row in rows)
        {
            ResultSetWriter.WriteDataRow(_buffer, row);
        }
    }

    public void Notice(PgError notice) => ErrorResponseWriter.WriteNotice(_buffer, notice);

    public void Error(PgError error) => ErrorResponseWriter.WriteError(_buffer, error);

    public void Complete(string tag) => ResultSetWriter.WriteCommandComplete(_buffer, tag);

    /// <summary>Run once the answer has been sent (SHUTDOWN: answer first, then stop).</summary>
    public Action? AfterSend { get; set; }

    public void ReadyForQuery() => MessageWriter.WriteReadyForQuery(_buffer, TransactionStatus.Idle);
}
