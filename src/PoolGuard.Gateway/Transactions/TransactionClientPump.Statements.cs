using System.Buffers;
using System.Text;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.SessionCommands;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Transactions;

/// <summary>
/// Named prepared statements on the way to the server: the client's names mapped to the gateway's,
/// statements made sure of on the server that runs them, the per-server cap kept.
/// </summary>
internal sealed partial class TransactionClientPump
{
    /// <summary>A named Parse: recorded for the client, sent under the gateway's name, or answered from what the server already has.</summary>
    private HeaderDecision? OnParse(in ReadOnlySequence<byte> message, MessageHeader header)
    {
        if (message.Length >= MessageHeader.Size + 1 && message.Slice(MessageHeader.Size, 1).FirstSpan[0] == 0)
        {
            return null; // unnamed: passes through untouched
        }
        if (message.Length < header.TotalSize)
        {
            return HeaderDecision.WaitForMore;
        }
        var body = message.Slice(MessageHeader.Size, header.BodyLength).ToArray();
        var end = Array.IndexOf(body, (byte)0);
        if (end <= 0)
        {
            return null; // malformed: the server will say so
        }
        var rest = body.AsSpan(end + 1);
        var name = body.AsSpan(0, end);
        if (link.Statements!.TryGet(name, out var existing))
        {
            // PostgreSQL refuses to prepare a name twice (42P05) and skips to the Sync: have the
            // server fail the same way, on a statement it surely has, and reword its error.
            var duplicateWriter = Emit();
            EnsurePrepared(duplicateWriter, existing);
            MessageWriter.WriteParse(duplicateWriter, existing.ServerNameZ, existing.ParseRest);
            Expect(FrontendMessage.Parse, ResponseAction.ReportDuplicate, System.Text.Encoding.UTF8.GetString(name));
            Drop(header.TotalSize);
            return HeaderDecision.Forward;
        }
        var statement = link.Statements.Create(Encoding.UTF8.GetString(name), rest);
        link.Statements.Set(statement);

        var writer = Emit();
        var onServer = ServerStatementsOf(_server!);
        if (onServer.TryUse(statement.ServerName))
        {
            MessageWriter.WriteStatementMessage(writer, FrontendMessage.Close, StatementNames.NothingZ);
            Expect(FrontendMessage.Close, ResponseAction.AnswerParseComplete);
            statement.Verified = true; // the server prepared this very text before
        }
        else
        {
            MakeRoom(writer, onServer);
            MessageWriter.WriteParse(writer, statement.ServerNameZ, statement.ParseRest);
            Expect(FrontendMessage.Parse, ResponseAction.Forward, statement.ServerName, statement);
            onServer.Add(statement.ServerName);
        }
        Drop(header.TotalSize);
        return HeaderDecision.Forward;
    }

    /// <summary>A Bind of a named statement: the statement is made sure of on this server and the name swapped.</summary>
    private HeaderDecision? OnBind(in ReadOnlySequence<byte> message, MessageHeader header)
    {
        Span<Range> names = stackalloc Range[2];
        if (!ExtendedMessages.TryReadNames(message, 0, names, out var prefix, out var rented))
        {
            return message.Length < header.TotalSize ? HeaderDecision.WaitForMore : null;
        }
        try
        {
            var name = prefix[names[1]];
            if (name.IsEmpty || !link.Statements!.TryGet(name, out var statement))
            {
                return null;
            }
            var writer = Emit();
            EnsurePrepared(writer, statement);
            var portalZ = prefix[..(names[0].End.Value + 1)];
            MessageWriter.WriteHeader(writer, FrontendMessage.Bind, header.BodyLength - name.Length + statement.ServerNameZ.Length - 1);
            writer.Write(portalZ);
            writer.Write(statement.ServerNameZ);
            Drop(MessageHeader.Size + prefix.Length);
            Expect(FrontendMessage.Bind);
            return HeaderDecision.Forward;
        }
        finally
        {
            Return(rented);
        }
    }

    /// <summary>Describe or Close of a named statement ('S'); portals pass through.</summary>
    private HeaderDecision? OnStatementMessage(in ReadOnlySequence<byte> message, MessageHeader header, bool isClose)
    {
        Span<Range> names = stackalloc Range[1];
        if (!ExtendedMessages.TryReadNames(message, 1, names, out var prefix, out var rented))
        {
            return message.Length < header.TotalSize ? HeaderDecision.WaitForMore : null;
        }
        try
        {
            var name = prefix[names[0]];
            if (prefix[0] != (byte)'S' || name.IsEmpty)
            {
                return null;
            }
            if (isClose)
            {
                // Other clients may share the server-side statement: the client's name goes, the
                // statement stays (LRU closes it in time). A Close of nothing gets the CloseComplete.
                link.Statements!.Remove(name);
                MessageWriter.WriteStatementMessage(Emit(), FrontendMessage.Close, StatementNames.NothingZ);
            }
            else
            {
                if (!link.Statements!.TryGet(name, out var statement))
                {
                    return null;
                }
                var writer = Emit();
                EnsurePrepared(writer, statement);
                MessageWriter.WriteStatementMessage(writer, FrontendMessage.Describe, statement.ServerNameZ);
            }
            Drop(header.TotalSize);
            Expect(header.Type);
            return HeaderDecision.Forward;
        }
        finally
        {
            Return(rented);
        }
    }

    /// <summary>
    /// A short simple Query that may be a session command, acted on at its place in the stream:
    /// <list type="bullet">
    /// <item>DEALLOCATE of one of the client's names: the name goes, and a Sync goes to the server
    /// instead, whose ReadyForQuery (with the true transaction status) carries the answer back; in a
    /// failed transaction it passes (the server refuses it with 25P02 and the name stays);</item>
    /// <item>DISCARD ALL / DEALLOCATE ALL: the client's statements and the server's go now, so those
    /// the client prepares after it in the same write survive it (Npgsql sends its reset that way);</item>
    /// <item>DISCARD ALL / RESET ALL: the client's startup settings are what it expects again, and
    /// are set on the server before its next message.</item>
    /// </list>
    /// Anything else passes through.
    /// </summary>
    private HeaderDecision OnShortQuery(in ReadOnlySequence<byte> message, MessageHeader header)
    {
        if (message.Length < header.TotalSize)
        {
            return HeaderDecision.WaitForMore;
        }
        Span<byte> buffer = stackalloc byte[SqlWords.MaxLength];
        message.Slice(MessageHeader.Size, header.BodyLength).CopyTo(buffer);
        var sql = buffer[..(header.BodyLength - 1)];
        var server = _server!;
        var idle = !link.Unsynced && server.TransactionStatus == TransactionStatus.Idle;
        if (link.Statements is not null && !link.Unsynced && server.TransactionStatus != TransactionStatus.Failed
            && DeallocateCommand.TryParse(sql) is { } name && link.Statements.TryGet(Encoding.UTF8.GetBytes(name), out _))
        {
            link.Statements.Remove(Encoding.UTF8.GetBytes(name));
            MessageWriter.WriteSync(Emit());
            Drop(header.TotalSize);
            Expect(FrontendMessage.Sync, ResponseAction.AnswerDeallocate);
            return HeaderDecision.Forward;
        }
        switch (ResetCommand.TryParse(sql))
        {
            case ResetKind.DeallocateAll when link.Statements is not null:
                ForgetAllStatements(server);
                break;
            case ResetKind.DiscardAll when idle:
                // Outside a transaction block only: inside one PostgreSQL refuses it, and nothing is reset.
                if (link.Statements is not null)
                {
                    ForgetAllStatements(server);
                }
                RestoreStartupSettings(server);
                break;
            case ResetKind.ResetAll:
                RestoreStartupSettings(server);
                break;
        }
        Expect(FrontendMessage.Query);
        return HeaderDecision.Forward;
    }

    /// <summary>The server drops every prepared statement at this point of the stream; the server pump is told it is done.</summary>
    private void ForgetAllStatements(ServerConnection server)
    {
        link.Statements!.Clear();
        server.Statements?.Clear();
        link.StatementResetsHandled++;
    }

    private void RestoreStartupSettings(ServerConnection server)
    {
        link.Desired = link.Startup;
        server.SyncedTo = server.UnreportedFrom = null;
        _resync = true;
    }

    private void EnsurePrepared(IBufferWriter<byte> writer, ClientStatement statement)
    {
        var onServer = ServerStatementsOf(_server!);
        if (onServer.TryUse(statement.ServerName))
        {
            return;
        }
        MakeRoom(writer, onServer);
        MessageWriter.WriteParse(writer, statement.ServerNameZ, statement.ParseRest);
        Expect(FrontendMessage.Parse, ResponseAction.Swallow, statement.ServerName, statement);
        onServer.Add(statement.ServerName);
    }

    /// <summary>
    /// Before the client's first message on this server: the statements no client uses any more are
    /// closed, in a batch of their own ended by a Sync, all answered to nobody.
    /// </summary>
    private void CloseUnusedStatements(ServerConnection server)
    {
        var users = link.Pool.StatementUsers;
        var onServer = server.Statements!;
        onServer.CheckedAt = users.UnusedSince;
        if (onServer.TakeUnused(users) is not { } unused)
        {
            return;
        }
        var writer = Emit();
        foreach (var name in unused)
        {
            MessageWriter.WriteStatementMessage(writer, FrontendMessage.Close, Encoding.UTF8.GetBytes(name + "\0"));
            Expect(FrontendMessage.Close, ResponseAction.Swallow);
        }
        MessageWriter.WriteSync(writer);
        Expect(FrontendMessage.Sync, ResponseAction.Swallow);
    }

    /// <summary>At max_prepared_statements the server's least recently used statement is closed first.</summary>
    private void MakeRoom(IBufferWriter<byte> writer, ServerStatements onServer)
    {
        while (onServer.Count >= link.MaxPreparedStatements && onServer.EvictLeastRecentlyUsed() is { } victim)
        {
            MessageWriter.WriteStatementMessage(writer, FrontendMessage.Close, Encoding.UTF8.GetBytes(victim + "\0"));
            Expect(FrontendMessage.Close, ResponseAction.Swallow);
        }
    }

    private static ServerStatements ServerStatementsOf(ServerConnection server) => server.Statements ??= new ServerStatements();

    private static void Return(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
