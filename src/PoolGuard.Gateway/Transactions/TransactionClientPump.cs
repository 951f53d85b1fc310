using System.Buffers;
using System.Runtime.CompilerServices;
using PoolGuard.Gateway.Async;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.SessionCommands;
using PoolGuard.Gateway.Stats;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Transactions;

/// <summary>
/// A transaction-pooled client's messages to whichever server it is linked to. Before each read
/// is scanned the client gets a server if it has none; the scan, under the link's lock, records
/// every request that will be answered, and — when statement tracking is on — maps the client's
/// prepared statement names to the gateway's, preparing a statement first on a server that lacks it.
/// </summary>
internal sealed partial class TransactionClientPump(PgTransport client, TransactionLink link, RelayStop stop, ILinkOwner owner)
    : ClientPump(client, client, stop)
{
    private ServerConnection? _server;
    private string? _settingsQuery;

    /// <summary>A DISCARD ALL or RESET ALL just went to the server: the startup settings go next.</summary>
    private bool _resync;

    /// <summary>Some server-side statement lost its last user since this server was last checked: close those it has.</summary>
    private bool _closeUnused;

    /// <summary>A request the pool refused, being dropped while the client stays connected.</summary>
    private readonly RefusedRequest _refused = new();

    [AsyncMethodBuilder(typeof(ReusedValueTaskMethodBuilder<>))]
    protected override async ValueTask<Prelude> BeforeScanAsync(ReadOnlySequence<byte> buffer)
    {
        if (StartsWithTerminate(buffer))
        {
            return Prelude.Scan; // a client leaving needs no server
        }
        if (_refused.Active)
        {
            return await DropRefusedAsync(buffer).ConfigureAwait(false);
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
            await owner.AnswerAsync(reply).ConfigureAwait(false);
            return Prelude.Consumed;
        }
        ServerConnection server;
        try
        {
            server = await owner.AttachAsync().ConfigureAwait(false);
        }
        catch (PoolRefusedException refusal) when (refusal.QueueFull && !MidMessage)
        {
            // As PostgreSQL fails a request: the error now, this request dropped, the connection kept.
            var error = new ArrayBufferWriter<byte>(256);
            ErrorResponseWriter.WriteError(error, refusal.Error with { Severity = "ERROR" });
            await owner.AnswerAsync(error.WrittenMemory).ConfigureAwait(false);
            _refused.Begin();
            return await DropRefusedAsync(buffer).ConfigureAwait(false);
        }
        _server = server;
        Destination = server.Transport!;
        _settingsQuery = SettingsSync.QueryFor(server, link.Desired);
        _closeUnused = server.Statements is { } onServer && onServer.CheckedAt != link.Pool.StatementUsers.UnusedSince;
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

    private async ValueTask<Prelude> DropRefusedAsync(ReadOnlySequence<byte> buffer)
    {
        PreludeConsumed = _refused.Drop(buffer, out var ended);
        if (_refused.Violation is { } violation)
        {
            End(ClientEnd.ProtocolViolation, violation);
            return Prelude.Stop;
        }
        if (ended)
        {
            await owner.AnswerAsync(ReadyForQueryIdle).ConfigureAwait(false);
        }
        return Prelude.ConsumedSome;
    }

    /// <summary>A client with no server linked is outside any transaction.</summary>
    private static readonly byte[] ReadyForQueryIdle = BuildReadyForQueryIdle();

    private static byte[] BuildReadyForQueryIdle()
    {
        var message = new ArrayBufferWriter<byte>(6);
        MessageWriter.WriteReadyForQuery(message, TransactionStatus.Idle);
        return message.WrittenSpan.ToArray();
    }

    private bool StartsWithTerminate(in ReadOnlySequence<byte> buffer) =>
        !MidMessage && MessageHeader.StartsWith(buffer, FrontendMessage.Terminate);

    protected override HeaderDecision OnClientMessage(in ReadOnlySequence<byte> message, MessageHeader header)
    {
        if (header.Type == FrontendMessage.Query && header.BodyLength is > 1 and <= SqlWords.MaxLength && message.Length < header.TotalSize)
        {
            // A short Query may be DISCARD, RESET or DEALLOCATE: it is read whole before anything is
            // done for it (the header alone may have arrived, and whatever runs below must run once).
            return HeaderDecision.WaitForMore;
        }
        if (_resync || link.ResyncRequested)
        {
            // The client reset its session just before this message: its startup settings come back first.
            var afterReset = _resync;
            _resync = false;
            link.ResyncRequested = false;
            _settingsQuery ??= SettingsSync.QueryFor(_server!, link.Desired, afterReset);
        }
        if (_closeUnused)
        {
            _closeUnused = false;
            CloseUnusedStatements(_server!);
        }
        if (_settingsQuery is { } sql)
        {
            // Before the client's first message on this server: make its settings the client's.
            _settingsQuery = null;
            MessageWriter.WriteQuery(Emit(), sql);
            Expect(FrontendMessage.Query, ResponseAction.Swallow);
            _server!.SyncedTo = link.Desired;
        }

        if (_server is { } server)
        {
            RelayStats.OnClientRequest(server);
        }
        var type = header.Type;
        switch (type)
        {
            case FrontendMessage.Query when header.BodyLength is > 1 and <= SqlWords.MaxLength
                && SqlWords.MayBeCommand(message.Slice(MessageHeader.Size, 1).FirstSpan[0]):
                return OnShortQuery(message, header);
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

    protected override void OnForwarded(long bytes)
    {
        if (_server is { } server)
        {
            RelayStats.OnClientBytes(server, bytes);
        }
    }

    private void Expect(byte kind, ResponseAction action = ResponseAction.Forward, string? statement = null, ClientStatement? client = null)
    {
        if (!link.SkipUntilSync || kind == FrontendMessage.Sync)
        {
            link.Pending.Enqueue(new PendingRequest(kind, action, statement, client));
        }
    }
}
