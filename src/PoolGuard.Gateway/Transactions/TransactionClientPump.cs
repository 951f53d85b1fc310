using System.Runtime.CompilerServices;
using System.Buffers;
using System.Text;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Transactions;

/// <summary>
/// A transaction-pooled client's messages to whichever server it is linked to. Before each read
/// is scanned the client gets a server if it has none; the scan, under the link's lock, records
/// every request that will be answered, and — when statement tracking is on — maps the client's
/// prepared statement names to the gateway's, preparing a statement first on a server that lacks it.
/// </summary>
internal sealed class TransactionClientPump(PgTransport client, TransactionLink link, RelayStop stop,
    Func<ValueTask<ServerConnection>> attach, Func<ReadOnlyMemory<byte>, ValueTask> answer)
    : MessagePump(client.Reader, client, stop)
{
    private ServerConnection? _server;
    private string? _settingsQuery;
    private ClientEnd? _end;

    /// <summary>Set when the pump stopped on a protocol violation: what to tell the client.</summary>
    public string? Violation { get; private set; }

    public async Task<ClientEnd> RunAsync() => await PumpAsync().ConfigureAwait(false) switch
    {
        PumpOutcome.Stopped => ClientEnd.Stopped,
        PumpOutcome.WriteFailed => ClientEnd.ServerWriteFailed,
        PumpOutcome.Ended => _end ?? ClientEnd.Stopped,
        _ => AtMessageBoundary ? ClientEnd.Disconnected : ClientEnd.DisconnectedMidMessage,
    };

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    protected override async ValueTask<Prelude> BeforeScanAsync(ReadOnlySequence<byte> buffer)
    {
        if (StartsWithTerminate(buffer))
        {
            return Prelude.Scan; // a client leaving needs no server
        }
        lock (link.Sync)
        {
            if (link.Server is not null && link.Server == _server)
            {
                return Prelude.Scan;
            }
        }
        if (!MidMessage && LocalStatementMessages.TryAnswer(buffer, link.Statements, out var reply))
        {
            await answer(reply).ConfigureAwait(false);
            return Prelude.Consumed;
        }
        var server = await attach().ConfigureAwait(false);
        _server = server;
        Destination = server.Transport!;
        _settingsQuery = SettingsSync.QueryFor(server, link.Desired);
        return Prelude.Scan;
    }

    protected override bool Scan(in ReadOnlySequence<byte> buffer, out long consumed)
    {
        lock (link.Sync)
        {
            if (!buffer.IsEmpty && (link.Server is null || link.Server != _server) && !StartsWithTerminate(buffer))
            {
                // The server was given back between the read and this scan: get another first.
                RetryRead = true;
                consumed = 0;
                return true;
            }
            var keepGoing = base.Scan(buffer, out consumed);
            link.ClientMidMessage = MidMessage;
            link.Timeouts?.OnClientData(link.Pending.Count > 0);
            return keepGoing;
        }
    }

    private bool StartsWithTerminate(in ReadOnlySequence<byte> buffer) =>
        !MidMessage && !buffer.IsEmpty && buffer.FirstSpan[0] == FrontendMessage.Terminate;

    protected override HeaderDecision OnHeader(in ReadOnlySequence<byte> message, MessageHeader header)
    {
        if (ClientMessageRules.Check(header) is { } violation)
        {
            return End(ClientEnd.ProtocolViolation, violation);
        }
        if (header.Type == FrontendMessage.Terminate)
        {
            return End(ClientEnd.Terminated, null);
        }
        if (_settingsQuery is { } sql)
        {
            // Before the client's first message on this server: make its settings the client's.
            _settingsQuery = null;
            MessageWriter.WriteQuery(Emit(), sql);
            Expect(FrontendMessage.Query, ResponseAction.Swallow);
            _server!.SyncedTo = link.Desired;
        }

        var type = header.Type;
        switch (type)
        {
            case FrontendMessage.Query:
            case FrontendMessage.FunctionCall:
                Expect(type);
                return HeaderDecision.Forward;
            case FrontendMessage.Sync:
                Expect(type);
                link.Unsynced = false;
                link.SkipUntilSync = false;
                return HeaderDecision.Forward;
            case FrontendMessage.CopyData:
            case FrontendMessage.CopyDone:
            case FrontendMessage.CopyFail:
                return HeaderDecision.Forward;
        }

        link.Unsynced = true;
        if (link.SkipUntilSync)
        {
            // The server ignores these until the Sync; they get no answer and change nothing.
            return HeaderDecision.Forward;
        }
        if (link.Statements is not null)
        {
            var decision = type switch
            {
                FrontendMessage.Parse => OnParse(message, header),
                FrontendMessage.Bind => OnBind(message, header),
                FrontendMessage.Describe => OnStatementMessage(message, header, isClose: false),
                FrontendMessage.Close => OnStatementMessage(message, header, isClose: true),
                _ => (HeaderDecision?)null,
            };
            if (decision is { } handled)
            {
                return handled;
            }
        }
        if (type != FrontendMessage.Flush)
        {
            Expect(type);
        }
        return HeaderDecision.Forward;
    }

    private void Expect(byte kind, ResponseAction action = ResponseAction.Forward, string? statement = null)
    {
        if (!link.SkipUntilSync || kind == FrontendMessage.Sync)
        {
            link.Pending.Enqueue(new PendingRequest(kind, action, statement));
        }
    }

    private HeaderDecision End(ClientEnd end, string? violation)
    {
        _end = end;
        Violation = violation;
        return HeaderDecision.Stop;
    }

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
            ExtendedMessages.WriteParse(duplicateWriter, existing.ServerNameZ, existing.ParseRest);
            Expect(FrontendMessage.Parse, ResponseAction.ReportDuplicate, System.Text.Encoding.UTF8.GetString(name));
            Drop(header.TotalSize);
            return HeaderDecision.Forward;
        }
        var statement = new ClientStatement(StatementNames.For(rest), rest.ToArray());
        link.Statements.Set(name, statement);

        var writer = Emit();
        var onServer = ServerStatementsOf(_server!);
        if (onServer.TryUse(statement.ServerName))
        {
            ExtendedMessages.WriteStatementMessage(writer, FrontendMessage.Close, StatementNames.NothingZ);
            Expect(FrontendMessage.Close, ResponseAction.AnswerParseComplete);
        }
        else
        {
            MakeRoom(writer, onServer);
            ExtendedMessages.WriteParse(writer, statement.ServerNameZ, statement.ParseRest);
            Expect(FrontendMessage.Parse, ResponseAction.Forward, statement.ServerName);
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
            ExtendedMessages.WriteHeader(writer, FrontendMessage.Bind, header.BodyLength - name.Length + statement.ServerNameZ.Length - 1);
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
                ExtendedMessages.WriteStatementMessage(Emit(), FrontendMessage.Close, StatementNames.NothingZ);
            }
            else
            {
                if (!link.Statements!.TryGet(name, out var statement))
                {
                    return null;
                }
                var writer = Emit();
                EnsurePrepared(writer, statement);
                ExtendedMessages.WriteStatementMessage(writer, FrontendMessage.Describe, statement.ServerNameZ);
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

    private void EnsurePrepared(IBufferWriter<byte> writer, ClientStatement statement)
    {
        var onServer = ServerStatementsOf(_server!);
        if (onServer.TryUse(statement.ServerName))
        {
            return;
        }
        MakeRoom(writer, onServer);
        ExtendedMessages.WriteParse(writer, statement.ServerNameZ, statement.ParseRest);
        Expect(FrontendMessage.Parse, ResponseAction.Swallow, statement.ServerName);
        onServer.Add(statement.ServerName);
    }

    /// <summary>At max_prepared_statements the server's least recently used statement is closed first.</summary>
    private void MakeRoom(IBufferWriter<byte> writer, ServerStatements onServer)
    {
        while (onServer.Count >= link.MaxPreparedStatements && onServer.EvictLeastRecentlyUsed() is { } victim)
        {
            ExtendedMessages.WriteStatementMessage(writer, FrontendMessage.Close, Encoding.UTF8.GetBytes(victim + "\0"));
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
