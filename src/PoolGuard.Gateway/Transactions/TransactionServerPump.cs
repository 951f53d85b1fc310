using System.Buffers;
using System.Runtime.CompilerServices;
using PoolGuard.Gateway.Async;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.SessionCommands;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Transactions;

/// <summary>
/// A linked server's answers to a transaction-pooled client, for one link: every answer is matched
/// to the request it answers, so the gateway's own requests are answered to nobody; and at the
/// ReadyForQuery that leaves nothing in flight and no transaction open, the link ends and the
/// server goes back to the pool. Headers only, except the few small messages that carry state.
/// </summary>
internal sealed partial class TransactionServerPump(PgTransport client, TransactionLink link, RelayStop stop)
    : ServerPump(client.Reader, client, stop)
{
    private ServerConnection? _server;
    private PendingRequest _head;
    private bool _hasHead;
    /// <summary>
    /// SET / RESET commands and ParameterStatus messages since the last ReadyForQuery. PostgreSQL
    /// reports a changed setting it reports (TimeZone, application_name...) just before
    /// ReadyForQuery, and those are carried to the client's next server; a SET with no report
    /// changed one that is not, and that is lost.
    /// </summary>
    private int _sets, _reports;

    /// <summary>A DISCARD ALL or RESET completed: settings reported until the ReadyForQuery are the reset's doing.</summary>
    private bool _resetting;

    /// <summary>The open transaction changed the schema: its ROLLBACK is a schema change too.</summary>
    private bool _schemaChanged;

    /// <summary>Statement pooling refused a transaction block: the server must be rolled back before reuse.</summary>
    public bool NeedsRollback { get; private set; }

    /// <summary>The link ended at a ReadyForQuery that gave the server up (or refused a transaction block).</summary>
    private bool _released;

    /// <summary>The settings query failed on this server; it is not worth keeping.</summary>
    public string? SettingsError { get; private set; }

    /// <summary>Relays <paramref name="server"/>'s answers until the link ends or something breaks.</summary>
    [AsyncMethodBuilder(typeof(ReusedValueTaskMethodBuilder<>))]
    public async ValueTask<ServerEnd> RunAsync(ServerConnection server)
    {
        _server = server;
        _hasHead = false;
        _sets = _reports = 0;
        _resetting = false;
        BeginRelay();
        NeedsRollback = false;
        _released = false;
        SettingsError = null;
        Source = server.Transport!.Reader;
        var outcome = await PumpAsync().ConfigureAwait(false);
        EndRelay(server);
        if (outcome is not PumpOutcome.Stopped and not PumpOutcome.Ended)
        {
            server.IsDirty = true;
        }
        return outcome switch
        {
            PumpOutcome.Stopped => ServerEnd.Stopped,
            PumpOutcome.Ended => _released ? ServerEnd.Released : ServerEnd.ProtocolViolation,
            PumpOutcome.WriteFailed => ServerEnd.ClientWriteFailed,
            _ => ServerEnd.Disconnected,
        };
    }

    protected override HeaderDecision OnServerMessage(in ReadOnlySequence<byte> message, MessageHeader header)
    {
        var type = header.Type;
        if (!_hasHead)
        {
            lock (link.Sync)
            {
                _hasHead = link.Pending.TryPeek(out _head);
            }
        }
        var swallowing = _hasHead && _head.Action == ResponseAction.Swallow;

        switch (type)
        {
            case BackendMessage.ParameterStatus:
                return OnParameterStatus(message, header, swallowing);
            case BackendMessage.NoticeResponse:
                return Pass(header, swallowing);
            case BackendMessage.NotificationResponse:
                return Pass(header, drop: false);
            case BackendMessage.ReadyForQuery:
                return OnReadyForQuery(message, header);
            case BackendMessage.ErrorResponse:
                return OnError(header);
            case BackendMessage.CommandComplete when !swallowing && SessionCommandTags.MayBe(header.BodyLength):
                if (message.Length < header.TotalSize)
                {
                    return HeaderDecision.WaitForMore;
                }
                NoteCommand(message.Slice(MessageHeader.Size, header.BodyLength));
                NoteSchemaChange(message, header);
                break;
            case BackendMessage.CommandComplete when !swallowing && header.BodyLength > 4:
                NoteSchemaChange(message, header);
                break;
        }

        if (_hasHead && Completes(_head.Kind, type))
        {
            var action = _head.Action;
            if (type == BackendMessage.ParseComplete && _head.Client is { } prepared)
            {
                prepared.Verified = true;
            }
            Complete();
            if (action == ResponseAction.AnswerParseComplete && type == BackendMessage.CloseComplete)
            {
                Emit().Write(MessageWriter.ParseComplete);
                Drop(header.TotalSize);
                LastType = BackendMessage.ParseComplete;
                return HeaderDecision.Forward;
            }
            return Pass(header, action == ResponseAction.Swallow);
        }
        return Pass(header, swallowing);
    }

    private HeaderDecision Pass(MessageHeader header, bool drop)
    {
        if (drop)
        {
            Drop(header.TotalSize);
        }
        else
        {
            LastType = header.Type;
        }
        return HeaderDecision.Forward;
    }

    private static bool Completes(byte kind, byte type) => kind switch
    {
        FrontendMessage.Parse => type == BackendMessage.ParseComplete,
        FrontendMessage.Bind => type == BackendMessage.BindComplete,
        FrontendMessage.Close => type == BackendMessage.CloseComplete,
        FrontendMessage.Describe => type is BackendMessage.RowDescription or BackendMessage.NoData,
        FrontendMessage.Execute => type is BackendMessage.CommandComplete or BackendMessage.EmptyQueryResponse or BackendMessage.PortalSuspended,
        _ => false, // Query, Sync, FunctionCall: only ReadyForQuery, handled on its own
    };

    private void Complete()
    {
        lock (link.Sync)
        {
            link.Pending.Dequeue();
            if (link.Pending.Count == 0)
            {
                link.NoteDrained();
            }
        }
        _hasHead = false;
    }

    private HeaderDecision OnReadyForQuery(in ReadOnlySequence<byte> message, MessageHeader header)
    {
        if (!TryReadStatus(message, out var status))
        {
            return HeaderDecision.WaitForMore;
        }
        var wasIdle = _server!.TransactionStatus == TransactionStatus.Idle;
        _server.TransactionStatus = status;
        var action = _hasHead ? _head.Action : ResponseAction.Forward;
        if (action != ResponseAction.Swallow)
        {
            // The gateway's own settings query is no query of the client's.
            CountReadyForQuery(_server, wasIdle, status);
        }
        var release = false;
        var refuse = false;
        lock (link.Sync)
        {
            if (_hasHead)
            {
                link.Pending.Dequeue();
                _hasHead = false;
            }
            if (link.Pending.Count == 0)
            {
                link.NoteDrained();
                if (!link.Unsynced && !link.ClientMidMessage && link.Server == _server)
                {
                    release = status == TransactionStatus.Idle;
                    refuse = !release && link.StatementMode;
                    if (release || refuse)
                    {
                        link.Server = null;
                    }
                }
            }
            link.Timeouts?.OnReadyForQuery(refuse ? TransactionStatus.Idle : status, link.Pending.Count > 0);
        }
        _released = release || refuse;

        if (action == ResponseAction.Swallow)
        {
            Drop(header.TotalSize);
            return release ? HeaderDecision.StopAfter : HeaderDecision.Forward;
        }
        LastType = BackendMessage.ReadyForQuery;
        if (action == ResponseAction.AnswerDeallocate)
        {
            if (status == TransactionStatus.Failed)
            {
                ErrorResponseWriter.WriteError(Emit(), InFailedTransaction);
            }
            else
            {
                ResultSetWriter.WriteCommandComplete(Emit(), "DEALLOCATE");
            }
        }
        if (_sets > _reports && status == TransactionStatus.Idle && !link.WarnedAboutSet)
        {
            link.WarnedAboutSet = true;
            ErrorResponseWriter.WriteNotice(Emit(), SetNotKept);
        }
        _sets = _reports = 0;
        _resetting = false;
        _schemaChanged &= status != TransactionStatus.Idle;
        if (refuse)
        {
            // Statement pooling: the transaction block the client opened is refused and rolled back
            // (once the server is off the client), and the client is told why, idle again.
            NeedsRollback = true;
            var writer = Emit();
            ErrorResponseWriter.WriteError(writer, TransactionBlockRefused);
            MessageWriter.WriteReadyForQuery(writer, TransactionStatus.Idle);
            Drop(header.TotalSize);
            return HeaderDecision.StopAfter;
        }
        return release ? HeaderDecision.StopAfter : HeaderDecision.Forward;
    }

    private static readonly PgError SetNotKept = new("WARNING", "01000", "SET outside a transaction is not kept in transaction pooling mode")
    {
        Detail = "each transaction may run on a different server connection; settings PostgreSQL reports "
            + "(application_name, client_encoding, DateStyle, IntervalStyle, TimeZone, standard_conforming_strings) "
            + "are carried over by PoolGuard, others (search_path, work_mem, ...) are not",
        Hint = "use SET LOCAL inside a transaction, set it in the connection's startup parameters, or ALTER ROLE ... SET",
    };

    private static readonly PgError InFailedTransaction = PgError.Error(SqlState.InFailedSqlTransaction,
        "current transaction is aborted, commands ignored until end of transaction block");

    private static readonly PgError TransactionBlockRefused = PgError.Error(SqlState.FeatureNotSupported,
        "transaction blocks are not allowed in statement pooling mode",
        "run each statement on its own, or use pool_mode = transaction for this database or user");
}
